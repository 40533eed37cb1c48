package dev.tenancy.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.tenancy.ReservedTenantIds;
import dev.tenancy.TenancyException.Violation;
import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.InvalidTenantConfigException;
import dev.tenancy.registry.StoredText;
import dev.tenancy.registry.TenantConfigJson;

/**
 * Tenant isolation: how a request's tenant is found and which tenants exist.
 *
 * @param enabled Whether the tenant isolation filter is installed.
 * @param resolution How the tenant of a request is resolved.
 * @param tenants Tenants declared in properties, keyed by tenant id, each with
 * display-name, status and config (see the tenancy.tenants.*.* entries); used when no
 * other TenantRegistry bean exists. Validated at start-up like tenant files and the admin
 * API: an unknown key or a wrong value stops the application, naming the property.
 */
@ConfigurationProperties("tenancy")
public record TenancyProperties(@DefaultValue("true") boolean enabled, @DefaultValue Resolution resolution,
		Map<String, Map<String, Object>> tenants) {

	private static final List<String> DEFINITION_KEYS = List.of("display-name", "status", "config");

	public TenancyProperties {
		tenants = (tenants != null) ? Map.copyOf(tenants) : Map.of();
		// Bound as they are written, so that every mistake is reported in the catalogue's
		// words
		// (rather than as a conversion failure) and unknown keys are seen at all.
		definitions(tenants);
	}

	/**
	 * The tenants declared in properties, validated.
	 * @return the definitions by tenant id
	 */
	public Map<String, TenantDefinition> definitions() {
		return definitions(this.tenants);
	}

	/**
	 * The tenants declared in properties.
	 * @return the tenants, in tenant id order
	 */
	public List<Tenant> tenantList() {
		return definitions().entrySet()
			.stream()
			.sorted(Map.Entry.comparingByKey())
			.map((entry) -> new Tenant(TenantId.of(entry.getKey()), entry.getValue().displayName(),
					entry.getValue().status(), entry.getValue().config(), 0))
			.toList();
	}

	private static Map<String, TenantDefinition> definitions(Map<String, Map<String, Object>> tenants) {
		List<Violation> violations = new ArrayList<>();
		Map<String, TenantDefinition> definitions = new LinkedHashMap<>();
		tenants.forEach((id, values) -> {
			TenantDefinition definition = definition(id, values, violations);
			if (definition != null) {
				definitions.put(id, definition);
			}
		});
		if (!violations.isEmpty()) {
			throw new TenancyConfigurationException("Invalid tenant definitions in tenancy.tenants:"
					+ violations.stream().map((violation) -> "\n    - " + violation).collect(Collectors.joining()),
					"Correct the properties listed above (the same rules apply to tenant files and the admin "
							+ "API). Durations are written as 1m or PT1M; see the tenancy.tenants.<id>.* properties "
							+ "in the starter's documentation.");
		}
		return Map.copyOf(definitions);
	}

	private static TenantDefinition definition(String id, Map<String, Object> values, List<Violation> violations) {
		String path = "tenancy.tenants." + StoredText.escape(id);
		int before = violations.size();
		if (!TenantId.isValid(id)) {
			violations.add(new Violation(path, "the tenant id must be a DNS label such as acme-travel"));
		}
		else if (ReservedTenantIds.isReserved(id)) {
			violations.add(new Violation(path, "the tenant id is reserved (see ReservedTenantIds); rename the tenant"));
		}
		Map<String, Object> fields = new LinkedHashMap<>();
		values.forEach((key, value) -> {
			String name = DEFINITION_KEYS.stream()
				.filter((candidate) -> uniform(candidate).equals(uniform(key)))
				.findFirst()
				.orElse(null);
			if (name == null) {
				violations.add(new Violation(path + "." + StoredText.escape(key),
						"unknown key (expected display-name, status, config)"));
			}
			else {
				fields.put(name, value);
			}
		});
		String displayName = null;
		Object name = fields.get("display-name");
		if (name != null) {
			displayName = String.valueOf(name);
			if (!(name instanceof CharSequence) || displayName.isBlank() || displayName.length() > 200) {
				violations.add(new Violation(path + ".display-name", "must be text of 1 to 200 characters"));
			}
			else if (!StoredText.isSafe(displayName)) {
				violations.add(new Violation(path + ".display-name", StoredText.REASON));
			}
		}
		TenantStatus status = TenantStatus.ACTIVE;
		Object statusValue = fields.get("status");
		if (statusValue != null) {
			try {
				status = TenantStatus.valueOf(String.valueOf(statusValue).strip().toUpperCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				violations.add(new Violation(path + ".status", "must be ACTIVE, SUSPENDED or DELETED"));
			}
		}
		TenantConfig config = null;
		Object configValue = fields.get("config");
		if (configValue != null && !(configValue instanceof Map)) {
			violations.add(new Violation(path + ".config", "must be a group of properties (plan, rate-limit, "
					+ "features, email-domains, locale, attributes)"));
		}
		else {
			try {
				@SuppressWarnings("unchecked")
				Map<String, ?> configValues = (Map<String, ?>) configValue;
				config = TenantConfigJson.fromProperties(configValues, path + ".config");
			}
			catch (InvalidTenantConfigException ex) {
				violations.addAll(ex.violations());
			}
		}
		return (violations.size() == before) ? new TenantDefinition(displayName, status, config) : null;
	}

	private static String uniform(String key) {
		return key.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
	}

	/**
	 * Tenant resolution.
	 *
	 * @param requireGrant Whether a tenant named by a header, host or path is only
	 * accepted when a verified token grants it; turn off only for applications without
	 * per-user tokens.
	 * @param exemptPaths Path patterns that need no tenant (health, docs, errors); the
	 * admin paths (tenancy.admin.paths) never need one either, without being listed here.
	 * @param additionalExemptPaths Path patterns that need no tenant, in addition to
	 * exempt-paths (so the defaults need not be restated).
	 * @param jwt The JWT claim source.
	 * @param header The header source.
	 * @param host The host subdomain source.
	 * @param path The path prefix source.
	 */
	public record Resolution(@DefaultValue("true") boolean requireGrant, @DefaultValue( {
			"/actuator/health", "/actuator/health/**", "/actuator/info", "/actuator/prometheus", "/error",
			"/v3/api-docs/**", "/swagger-ui/**", "/favicon.ico" }) List<String> exemptPaths,
			List<String> additionalExemptPaths, @DefaultValue Jwt jwt, @DefaultValue Header header,
			@DefaultValue Host host, @DefaultValue Path path){

		public Resolution {
			additionalExemptPaths = (additionalExemptPaths != null) ? List.copyOf(additionalExemptPaths) : List.of();
		}

		/**
		 * Every path that needs no tenant: {@code exempt-paths},
		 * {@code additional-exempt-paths} and the given admin paths.
		 * @param adminPaths the admin paths
		 * @return the path patterns, without duplicates
		 */
		public List<String> allExemptPaths(List<String> adminPaths) {
			java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(this.exemptPaths);
			all.addAll(this.additionalExemptPaths);
			all.addAll(adminPaths);
			return List.copyOf(all);
		}

	}

	/**
	 * Tenants granted by the verified JWT.
	 *
	 * @param enabled Whether JWT claims are read.
	 * @param claim Claim holding the caller's single tenant.
	 * @param listClaim Claim holding the list of tenants of a user who belongs to
	 * several.
	 */
	public record Jwt(@DefaultValue("true") boolean enabled, @DefaultValue("tenant_id") String claim,
			@DefaultValue("tenants") String listClaim) {

	}

	/**
	 * Tenant selection by request header. A header only selects among the tenants a token
	 * grants.
	 *
	 * @param enabled Whether headers are read.
	 * @param names Header names; all that are present must agree.
	 */
	public record Header(@DefaultValue("true") boolean enabled, @DefaultValue( {
			"X-Client-ID", "X-Tenant-ID" }) List<String> names){

	}

	/**
	 * Tenant selection by host subdomain, such as {@code acme.travel.example}.
	 *
	 * @param enabled Whether the host is read.
	 * @param baseDomain The domain under which each tenant has a subdomain.
	 */
	public record Host(@DefaultValue("false") boolean enabled, String baseDomain) {

	}

	/**
	 * Tenant selection by path prefix, such as {@code /t/acme/...}.
	 *
	 * @param enabled Whether the path is read.
	 * @param prefix The prefix before the tenant segment.
	 */
	public record Path(@DefaultValue("false") boolean enabled, @DefaultValue("/t") String prefix) {

	}

	/**
	 * A tenant declared in properties, validated.
	 *
	 * @param displayName The human-readable name, null for the id.
	 * @param status The lifecycle state.
	 * @param config The tenant's configuration (plan, rate limits, features, ...).
	 */
	public record TenantDefinition(String displayName, TenantStatus status, TenantConfig config) {

	}

}
