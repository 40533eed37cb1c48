package dev.tenancy.configserver.tenants;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import dev.tenancy.TenancyError;
import dev.tenancy.TenancyException;
import dev.tenancy.TenancyException.Violation;
import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.InvalidTenantConfigException;
import dev.tenancy.registry.TenantAdministration;
import dev.tenancy.registry.TenantChanges;
import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.registry.TenantRegistryUnavailableException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The tenant API: tenant configuration as data, for services that do not read the
 * registry database themselves. Every endpoint needs an authenticated config-server
 * client.
 *
 * <ul>
 * <li>{@code GET /tenants/{id}}: 200
 * {@code {"id","displayName","status","version","config"}} with
 * {@code ETag: "<version>"}; 304 (no body) when {@code If-None-Match} matches. Unknown,
 * deleted and malformed ids get one identical 404 problem
 * ({@code code: tenant_not_found}). Suspended tenants are returned, with their
 * status.</li>
 * <li>{@code GET /tenants/by-email-domain/{domain}}: the tenant that owns an e-mail
 * domain, as {@code GET /tenants/{id}} answers it, or the same 404.</li>
 * <li>{@code GET /tenants/changes?after=&limit=}: the registry's change feed
 * ({@link TenantAdministration#changesAfter}), the audit entries with id greater than
 * {@code after} (default 0), oldest first, at most {@code limit} (default 500, at most
 * 1000): {@code {"changes":[{"cursor","tenant","action","version"}],"cursor":<last or
 * given>}}.</li>
 * <li>{@code GET /tenants/changes/latest}: {@code {"cursor":<largest audit id or
 * 0>}}.</li>
 * </ul>
 * While the registry cannot answer, every endpoint is 503 {@code registry_unavailable}.
 * The ETag is the tenant's version: defaults and plans are deployment configuration,
 * fixed for the life of a server process, so within one deployment the version identifies
 * the effective configuration. (A tenant literally named {@code changes} is not reachable
 * here.)
 */
@RestController
public class TenantApiController {

	/**
	 * The one body of every "no such tenant" answer, byte for byte, in the catalogue's
	 * shape.
	 */
	static final String NOT_FOUND_BODY = "{\"type\":\"" + TenancyException.TYPE_PREFIX + "tenant_not_found\","
			+ "\"title\":\"" + TenancyError.TENANT_NOT_FOUND.title() + "\",\"status\":404," + "\"detail\":\""
			+ TenancyError.TENANT_NOT_FOUND.detail() + "\",\"code\":\"tenant_not_found\"}";

	static final MediaType PROBLEM = MediaType.APPLICATION_PROBLEM_JSON;

	private static final Logger LOG = LoggerFactory.getLogger(TenantApiController.class);

	private static final Pattern DIGITS = Pattern.compile("\\d{1,18}");

	private static final int DEFAULT_LIMIT = 500;

	private static final int MAX_LIMIT = 1000;

	private final TenantRegistry registry;

	private final EffectiveTenantConfig effective;

	private final TenantAdministration administration;

	public TenantApiController(TenantRegistry registry, EffectiveTenantConfig effective,
			TenantAdministration administration) {
		this.registry = registry;
		this.effective = effective;
		this.administration = administration;
	}

	@GetMapping(path = "/tenants/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<?> tenant(@PathVariable("id") String id,
			@RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
		Optional<TenantId> tenantId = TenantId.parse(id);
		if (tenantId.isEmpty()) {
			return notFound();
		}
		Optional<Tenant> found;
		try {
			found = this.registry.find(tenantId.get());
		}
		catch (TenantRegistryUnavailableException ex) {
			throw unavailable(ex);
		}
		if (found.isEmpty() || found.get().status() == TenantStatus.DELETED) {
			return notFound();
		}
		Tenant tenant = found.get();
		String etag = "\"" + tenant.version() + "\"";
		if (matches(ifNoneMatch, etag)) {
			return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).build();
		}
		JsonNode config;
		try {
			config = this.effective.of(tenant);
		}
		catch (InvalidTenantConfigException ex) {
			LOG.error("Effective configuration of tenant {} (version {}) is invalid: {}", tenant.id(), tenant.version(),
					ex.getMessage());
			throw new TenancyException(TenancyError.INTERNAL_ERROR, "The tenant's configuration cannot be served.");
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("id", tenant.id().value());
		body.put("displayName", tenant.displayName());
		body.put("status", tenant.status().name());
		body.put("version", tenant.version());
		body.put("config", config);
		return ResponseEntity.ok().eTag(etag).contentType(MediaType.APPLICATION_JSON).body(body);
	}

	/**
	 * The tenant that owns an e-mail domain, in the shape of {@code GET /tenants/{id}}
	 * (suspended tenants included, with their status); one identical 404 for an unknown
	 * or malformed domain.
	 * @param domain the domain, any case, a trailing dot ignored
	 * @return the tenant or 404
	 */
	@GetMapping(path = "/tenants/by-email-domain/{domain}", produces = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<?> tenantByEmailDomain(@PathVariable("domain") String domain) {
		Optional<Tenant> found;
		try {
			found = this.registry.findByEmailDomain(domain);
		}
		catch (TenantRegistryUnavailableException ex) {
			throw unavailable(ex);
		}
		if (found.isEmpty() || found.get().status() == TenantStatus.DELETED) {
			return notFound();
		}
		return tenant(found.get().id().value(), null);
	}

	@GetMapping(path = "/tenants/changes", produces = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<?> changes(@RequestParam(name = "after", required = false) String after,
			@RequestParam(name = "limit", required = false) String limit) {
		long cursor = 0;
		if (after != null) {
			if (!DIGITS.matcher(after).matches()) {
				throw invalid("after", "must be a whole number of 0 or more");
			}
			cursor = Long.parseLong(after);
		}
		int size = DEFAULT_LIMIT;
		if (limit != null) {
			if (!DIGITS.matcher(limit).matches() || Long.parseLong(limit) < 1) {
				throw invalid("limit", "must be a whole number of at least 1");
			}
			size = (int) Math.min(Long.parseLong(limit), MAX_LIMIT);
		}
		TenantChanges page;
		try {
			page = this.administration.changesAfter(cursor, size);
		}
		catch (TenantRegistryUnavailableException ex) {
			throw unavailable(ex);
		}
		List<Map<String, Object>> changes = page.changes().stream().map((change) -> {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("cursor", change.cursor());
			entry.put("tenant", change.tenant());
			entry.put("action", change.action());
			entry.put("version", change.version());
			return entry;
		}).toList();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("changes", changes);
		body.put("cursor", page.cursor());
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
	}

	@GetMapping(path = "/tenants/changes/latest", produces = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<?> latest() {
		try {
			return ResponseEntity.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.body(Map.of("cursor", this.administration.latestChange()));
		}
		catch (TenantRegistryUnavailableException ex) {
			throw unavailable(ex);
		}
	}

	private static TenancyException unavailable(TenantRegistryUnavailableException ex) {
		LOG.warn("Tenant registry unavailable: {}", ex.getMessage());
		return new TenancyException(TenancyError.REGISTRY_UNAVAILABLE).withHeader(HttpHeaders.RETRY_AFTER, "1");
	}

	private static boolean matches(String ifNoneMatch, String etag) {
		if (ifNoneMatch == null) {
			return false;
		}
		for (String candidate : ifNoneMatch.split(",")) {
			String value = candidate.strip();
			if (value.startsWith("W/")) {
				value = value.substring(2);
			}
			if (value.equals(etag) || value.equals("*")) {
				return true;
			}
		}
		return false;
	}

	static ResponseEntity<byte[]> notFound() {
		return ResponseEntity.status(HttpStatus.NOT_FOUND)
			.contentType(PROBLEM)
			.body(NOT_FOUND_BODY.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Every refusal of this API, in the catalogue's problem shape (the admin API's and
	 * the applications' too).
	 * @param ex the refusal
	 * @return the problem
	 */
	@ExceptionHandler(TenancyException.class)
	public ResponseEntity<ProblemDetail> refused(TenancyException ex) {
		return ex.toResponseEntity();
	}

	private static TenancyException invalid(String parameter, String message) {
		return new TenancyException(TenancyError.INVALID_REQUEST, "The request is invalid: see violations.",
				List.of(new Violation(parameter, message)));
	}

}
