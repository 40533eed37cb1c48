package dev.tenancy.autoconfigure;

import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.tenancy.TenantConfig;
import dev.tenancy.TenantStatus;

/**
 * Tenant isolation: how a request's tenant is found and which tenants exist.
 *
 * @param enabled whether the tenant isolation filter is installed
 * @param resolution how the tenant of a request is resolved
 * @param tenants tenants declared in properties, keyed by tenant id; used when no other
 * {@code TenantRegistry} bean exists
 */
@ConfigurationProperties("tenancy")
public record TenancyProperties(@DefaultValue("true") boolean enabled, @DefaultValue Resolution resolution,
		Map<String, TenantDefinition> tenants) {

	public TenancyProperties {
		tenants = (tenants != null) ? Map.copyOf(tenants) : Map.of();
	}

	/**
	 * Tenant resolution.
	 *
	 * @param requireGrant whether a tenant named by a header, host or path is only accepted when
	 * a verified token grants it; turn off only for applications without per-user tokens
	 * @param exemptPaths path patterns that need no tenant (health, docs, errors); the admin paths
	 * ({@code tenancy.admin.paths}) never need one either, without being listed here
	 * @param additionalExemptPaths path patterns that need no tenant, in addition to
	 * {@code exempt-paths} (so the defaults need not be restated)
	 * @param jwt the JWT claim source
	 * @param header the header source
	 * @param host the host subdomain source
	 * @param path the path prefix source
	 */
	public record Resolution(@DefaultValue("true") boolean requireGrant,
			@DefaultValue({ "/actuator/health", "/actuator/health/**", "/actuator/info", "/error", "/v3/api-docs/**",
					"/swagger-ui/**", "/favicon.ico" }) List<String> exemptPaths,
			List<String> additionalExemptPaths, @DefaultValue Jwt jwt, @DefaultValue Header header,
			@DefaultValue Host host, @DefaultValue Path path) {

		public Resolution {
			additionalExemptPaths = (additionalExemptPaths != null) ? List.copyOf(additionalExemptPaths) : List.of();
		}

		/**
		 * Every path that needs no tenant: {@code exempt-paths}, {@code additional-exempt-paths}
		 * and the given admin paths.
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
	 * @param enabled whether JWT claims are read
	 * @param claim claim holding the caller's single tenant
	 * @param listClaim claim holding the list of tenants of a user who belongs to several
	 */
	public record Jwt(@DefaultValue("true") boolean enabled, @DefaultValue("tenant_id") String claim,
			@DefaultValue("tenants") String listClaim) {

	}

	/**
	 * Tenant selection by request header. A header only selects among the tenants a token grants.
	 *
	 * @param enabled whether headers are read
	 * @param names header names; all that are present must agree
	 */
	public record Header(@DefaultValue("true") boolean enabled,
			@DefaultValue({ "X-Client-ID", "X-Tenant-ID" }) List<String> names) {

	}

	/**
	 * Tenant selection by host subdomain, such as {@code acme.travel.example}.
	 *
	 * @param enabled whether the host is read
	 * @param baseDomain the domain under which each tenant has a subdomain
	 */
	public record Host(@DefaultValue("false") boolean enabled, String baseDomain) {

	}

	/**
	 * Tenant selection by path prefix, such as {@code /t/acme/...}.
	 *
	 * @param enabled whether the path is read
	 * @param prefix the prefix before the tenant segment
	 */
	public record Path(@DefaultValue("false") boolean enabled, @DefaultValue("/t") String prefix) {

	}

	/**
	 * A tenant declared in properties.
	 *
	 * @param displayName the human-readable name
	 * @param status the lifecycle state
	 * @param config the tenant's configuration (plan, rate limits, features, ...)
	 */
	public record TenantDefinition(String displayName, @DefaultValue("ACTIVE") TenantStatus status,
			TenantConfig config) {

	}

}
