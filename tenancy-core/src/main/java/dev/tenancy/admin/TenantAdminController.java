package dev.tenancy.admin;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.MDC;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.ClassUtils;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.tenancy.ReservedTenantIds;
import dev.tenancy.TenancyError;
import dev.tenancy.TenancyException;
import dev.tenancy.TenancyException.Violation;
import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.InvalidTenantConfigException;
import dev.tenancy.registry.StoredText;
import dev.tenancy.registry.TenantAdministration;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.TenantConfigJson;
import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.registry.TenantRegistryException;
import dev.tenancy.registry.TenantSecretAdministration;
import dev.tenancy.registry.TenantSecretsException;

/**
 * The tenant admin REST API under {@code /admin/tenants}. It is only reachable through
 * the admin guard, which the starter puts in front of {@code /admin/**}. Reads work on
 * any registry; writes need a registry that supports {@link TenantAdministration} (the
 * PostgreSQL one) and are refused with 405 otherwise. Updates ({@code PUT},
 * {@code PATCH}) and {@code DELETE} need {@code If-Match} with the version read (the
 * ETag): without it 428, with a stale one 409, and nothing changes.
 * <p>
 * {@code PUT} replaces the tenant: {@code displayName} and {@code config} are both
 * required, so a forgotten field is a 400 rather than a wiped configuration. A partial
 * change is explicit: a {@code PATCH} with an {@code application/merge-patch+json}
 * document (RFC 7396), validated with the same rules. New tenants may not take a
 * {@linkplain ReservedTenantIds reserved} id, and no stored text may hold control,
 * bidirectional-formatting or invisible characters ({@link StoredText}); the audit actor
 * is stored with such characters escaped.
 */
@RestController
@RequestMapping("/admin/tenants")
public class TenantAdminController {

	private static final int MAX_PAGE_SIZE = 500;

	private static final int MAX_BODY = TenantConfigJson.MAX_LENGTH + 1024;

	private static final Set<String> CREATE_KEYS = Set.of("id", "displayName", "config");

	private static final Set<String> UPDATE_KEYS = Set.of("displayName", "config");

	private static final int MAX_SECRET_BODY = 4 * TenantSecretAdministration.MAX_VALUE_BYTES + 1024;

	private static final List<String> KEY_ORDER = List.of("id", "displayName", "config");

	/** The media type of a JSON Merge Patch (RFC 7396). */
	public static final String MERGE_PATCH_JSON = "application/merge-patch+json";

	private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

	private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9._\\[\\]-]{1,100}");

	private static final Pattern ETAG = Pattern.compile("(W/)?\"(\\d{1,18})\"");

	private static final boolean SECURITY_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.core.context.SecurityContextHolder",
			TenantAdminController.class.getClassLoader());

	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	private final TenantRegistry registry;

	private final TenantAdministration administration;

	private final TenantSecretAdministration secrets;

	/**
	 * Create a read-only API.
	 * @param registry the registry
	 */
	public TenantAdminController(TenantRegistry registry) {
		this(registry, null);
	}

	/**
	 * Create the API.
	 * @param registry the registry to read from
	 * @param administration the registry's write side, or {@code null} when it is
	 * read-only
	 */
	public TenantAdminController(TenantRegistry registry, TenantAdministration administration) {
		this(registry, administration, null);
	}

	/**
	 * Create the API with tenant secrets.
	 * @param registry the registry to read from
	 * @param administration the registry's write side, or {@code null} when it is
	 * read-only
	 * @param secrets the tenants' secrets, or {@code null} when the registry keeps none
	 */
	public TenantAdminController(TenantRegistry registry, TenantAdministration administration,
			TenantSecretAdministration secrets) {
		this.registry = registry;
		this.administration = administration;
		this.secrets = secrets;
	}

	/**
	 * List tenants, optionally of one status, a page at a time.
	 * @param status the status filter, or {@code null} for all but deleted
	 * @param page the page, from 0
	 * @param size the page size, 1 to 500
	 * @return the page
	 */
	@GetMapping
	public ResponseEntity<?> list(@RequestParam(required = false) String status,
			@RequestParam(defaultValue = "0") String page, @RequestParam(defaultValue = "50") String size) {
		TenantStatus filter = null;
		if (status != null) {
			try {
				filter = TenantStatus.valueOf(status.toUpperCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				throw new TenancyException(TenancyError.INVALID_REQUEST, "The request is invalid: see violations.",
						List.of(new Violation("status", "must be ACTIVE, SUSPENDED or DELETED")));
			}
		}
		int pageNumber = parseInt(page, -1);
		int pageSize = parseInt(size, -1);
		if (pageNumber < 0 || pageNumber > 1_000_000 || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
			throw new TenancyException(TenancyError.INVALID_REQUEST, "The request is invalid: see violations.",
					List.of(new Violation((pageNumber < 0 || pageNumber > 1_000_000) ? "page" : "size",
							"page must be 0 to 1000000 and size 1 to " + MAX_PAGE_SIZE)));
		}
		TenantAdministration.TenantPage result;
		if (this.administration != null) {
			result = this.administration.list(filter, pageNumber, pageSize);
		}
		else {
			TenantStatus wanted = filter;
			List<Tenant> matching = this.registry.findAll()
				.stream()
				.filter((tenant) -> (wanted != null) ? tenant.status() == wanted
						: tenant.status() != TenantStatus.DELETED)
				.toList();
			result = new TenantAdministration.TenantPage(
					matching.stream().skip((long) pageNumber * pageSize).limit(pageSize).toList(), pageNumber, pageSize,
					matching.size());
		}
		return ResponseEntity.ok(new TenantPage(result.content().stream().map(TenantView::of).toList(), result.page(),
				result.size(), result.total()));
	}

	/**
	 * One tenant, with its version as the ETag.
	 * @param id the tenant id
	 * @return the tenant, or 404
	 */
	@GetMapping("/{id}")
	public ResponseEntity<?> get(@PathVariable String id) {
		return TenantId.parse(id)
			.flatMap(this.registry::find)
			.<ResponseEntity<?>>map(TenantAdminController::ok)
			.orElseThrow(TenantAdminController::notFound);
	}

	/**
	 * Create a tenant from {@code {"id", "displayName", "config"}}.
	 * @param body the request body
	 * @param request the request
	 * @return 201 with the tenant
	 */
	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<?> create(@RequestBody(required = false) String body, HttpServletRequest request) {
		if (this.administration == null) {
			throw readOnly();
		}
		NewTenant tenant = NewTenant.of(body(body, CREATE_KEYS));
		try {
			Tenant created = this.administration.create(tenant.id(), tenant.displayName(), tenant.config(),
					change(request));
			return ResponseEntity.created(URI.create("/admin/tenants/" + tenant.id().value()))
				.eTag(etag(created))
				.body(TenantView.of(created));
		}
		catch (InvalidTenantConfigException ex) {
			throw invalid(ex.path().equals("displayName") ? ex : ex.prefixed("config"));
		}
		catch (TenantRegistryException.AlreadyExists ex) {
			throw new TenancyException(TenancyError.TENANT_EXISTS);
		}
		catch (TenantRegistryException.EmailDomainTaken ex) {
			throw registryProblem(ex);
		}
	}

	/**
	 * Replace a tenant's display name and configuration; both are required (send
	 * {@code "config": {}} for an empty configuration). Needs {@code If-Match}.
	 * @param id the tenant id
	 * @param ifMatch the version read, as an ETag
	 * @param body {@code {"displayName", "config"}}
	 * @param request the request
	 * @return the updated tenant
	 */
	@PutMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<?> update(@PathVariable String id,
			@RequestHeader(name = "If-Match", required = false) String ifMatch,
			@RequestBody(required = false) String body, HttpServletRequest request) {
		return replace(id, ifMatch, body, request, (tenant, version, json) -> json);
	}

	/**
	 * Change part of a tenant with a JSON Merge Patch (RFC 7396): keys present replace,
	 * objects merge, {@code null} removes an optional configuration key.
	 * {@code displayName} and {@code config} cannot be removed (400). The result is
	 * validated like a {@code PUT}. Needs {@code If-Match}.
	 * @param id the tenant id
	 * @param ifMatch the version read, as an ETag
	 * @param body the merge patch, {@code {"displayName"?, "config"?}}
	 * @param request the request
	 * @return the updated tenant
	 */
	@PatchMapping(path = "/{id}", consumes = MERGE_PATCH_JSON)
	public ResponseEntity<?> patch(@PathVariable String id,
			@RequestHeader(name = "If-Match", required = false) String ifMatch,
			@RequestBody(required = false) String body, HttpServletRequest request) {
		return replace(id, ifMatch, body, request, (tenant, version, patch) -> {
			for (String required : UPDATE_KEYS) {
				if (patch.has(required) && patch.get(required).isNull()) {
					throw new InvalidTenantConfigException(required, "is required, cannot be removed");
				}
			}
			Tenant current = current(tenant);
			if (current == null) {
				throw new TenantRegistryException.NotFound(tenant.value());
			}
			if (current.version() != version) {
				throw new TenantRegistryException.StaleVersion(tenant.value(), current.version());
			}
			ObjectNode merged = JSON.createObjectNode();
			merged.put("displayName", current.displayName());
			merged.set("config", TenantConfigJson.tree(current.config()));
			MergePatch.apply(merged, patch);
			return merged;
		});
	}

	/**
	 * What PUT and PATCH share: the tenant must be writable and named by a valid id, the
	 * caller must say which version it read, and the resulting {@code {"displayName",
	 * "config"}} is validated as a whole before it replaces the tenant.
	 */
	private ResponseEntity<?> replace(String id, String ifMatch, String body, HttpServletRequest request,
			Replacement replacement) {
		if (this.administration == null) {
			throw readOnly();
		}
		TenantId tenant = TenantId.parse(id).orElseThrow(TenantAdminController::notFound);
		Long version = version(ifMatch);
		if (version == null) {
			throw new TenancyException(TenancyError.PRECONDITION_REQUIRED);
		}
		JsonNode json = body(body, UPDATE_KEYS);
		try {
			TenantUpdate update = TenantUpdate.of(replacement.of(tenant, version, json));
			return ok(this.administration.update(tenant, version, update.displayName(), update.config(),
					change(request)));
		}
		catch (InvalidTenantConfigException ex) {
			// the merge patch's own refusals name top-level keys; the registry's
			// (StoredText on
			// write) name paths inside the configuration
			boolean topLevel = ex.path().equals("displayName") || ex.path().equals("config");
			throw invalid(topLevel ? ex : ex.prefixed("config"));
		}
		catch (TenantRegistryException ex) {
			throw registryProblem(ex);
		}
	}

	/** The full tenant document a request body stands for. */
	@FunctionalInterface
	private interface Replacement {

		JsonNode of(TenantId tenant, long version, JsonNode body);

	}

	/**
	 * Suspend a tenant: its requests get {@code tenant_suspended} on every instance.
	 * @param id the tenant id
	 * @param ifMatch optional expected version
	 * @param request the request
	 * @return the tenant
	 */
	@PostMapping("/{id}/suspend")
	public ResponseEntity<?> suspend(@PathVariable String id,
			@RequestHeader(name = "If-Match", required = false) String ifMatch, HttpServletRequest request) {
		return changeStatus(id, TenantStatus.SUSPENDED, ifMatch, request);
	}

	/**
	 * Resume a suspended tenant.
	 * @param id the tenant id
	 * @param ifMatch optional expected version
	 * @param request the request
	 * @return the tenant
	 */
	@PostMapping("/{id}/resume")
	public ResponseEntity<?> resume(@PathVariable String id,
			@RequestHeader(name = "If-Match", required = false) String ifMatch, HttpServletRequest request) {
		return changeStatus(id, TenantStatus.ACTIVE, ifMatch, request);
	}

	/**
	 * Delete a tenant (soft: it keeps its row and audit trail, its id is never reused,
	 * and it cannot be undone). Needs {@code If-Match}: 428 without, 409 when stale.
	 * @param id the tenant id
	 * @param ifMatch the version read, as an ETag
	 * @param request the request
	 * @return 204
	 */
	@DeleteMapping("/{id}")
	public ResponseEntity<?> delete(@PathVariable String id,
			@RequestHeader(name = "If-Match", required = false) String ifMatch, HttpServletRequest request) {
		if (this.administration == null) {
			throw readOnly();
		}
		if (TenantId.parse(id).isEmpty()) {
			throw notFound();
		}
		if (ifMatch == null) {
			throw new TenancyException(TenancyError.PRECONDITION_REQUIRED,
					"Send If-Match with the ETag of the tenant you read: a deletion cannot be undone.");
		}
		ResponseEntity<?> response = changeStatus(id, TenantStatus.DELETED, ifMatch, request);
		return response.getStatusCode().is2xxSuccessful() ? ResponseEntity.noContent().build() : response;
	}

	/**
	 * A tenant's audit trail, oldest first.
	 * @param id the tenant id
	 * @return the entries
	 */
	@GetMapping("/{id}/audit")
	public ResponseEntity<?> audit(@PathVariable String id) {
		if (this.administration == null) {
			throw readOnly();
		}
		TenantId tenant = TenantId.parse(id).orElse(null);
		if (tenant == null || this.registry.find(tenant).isEmpty()) {
			throw notFound();
		}
		return ResponseEntity.ok(this.administration.audit(tenant).stream().map(AuditView::of).toList());
	}

	/**
	 * Set a tenant's secret from {@code {"value": "..."}}: 204. The value is write-only:
	 * no answer of this API ever contains it, and the audit trail records only that the
	 * secret was set. The body is read here rather than bound, so no message converter
	 * logs it.
	 * @param id the tenant id
	 * @param name the secret's name, a DNS label
	 * @param request the request
	 * @return 204
	 * @throws IOException when the body cannot be read
	 */
	@PutMapping(path = "/{id}/secrets/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<?> putSecret(@PathVariable String id, @PathVariable String name, HttpServletRequest request)
			throws IOException {
		TenantSecretAdministration secrets = requireSecrets();
		TenantId tenant = TenantId.parse(id).orElseThrow(TenantAdminController::notFound);
		checkSecretName(name);
		String value = secretValue(request);
		try {
			secrets.put(tenant, name, value, change(request));
		}
		catch (InvalidTenantConfigException ex) {
			throw invalid(ex);
		}
		catch (TenantRegistryException ex) {
			throw registryProblem(ex);
		}
		catch (TenantSecretsException ex) {
			throw secretsNotConfigured();
		}
		return ResponseEntity.noContent().build();
	}

	/**
	 * Remove a tenant's secret: 204, or 404 {@code secret_not_found}.
	 * @param id the tenant id
	 * @param name the secret's name
	 * @param request the request
	 * @return 204
	 */
	@DeleteMapping("/{id}/secrets/{name}")
	public ResponseEntity<?> deleteSecret(@PathVariable String id, @PathVariable String name,
			HttpServletRequest request) {
		TenantSecretAdministration secrets = requireSecrets();
		TenantId tenant = TenantId.parse(id).orElseThrow(TenantAdminController::notFound);
		checkSecretName(name);
		try {
			if (!secrets.delete(tenant, name, change(request))) {
				throw new TenancyException(TenancyError.SECRET_NOT_FOUND);
			}
		}
		catch (TenantRegistryException ex) {
			throw registryProblem(ex);
		}
		return ResponseEntity.noContent().build();
	}

	/**
	 * A tenant's secrets: names, key ids and dates, never values.
	 * @param id the tenant id
	 * @return {@code {"secrets": [{"name", "keyId", "createdAt", "updatedAt"}]}}
	 */
	@GetMapping("/{id}/secrets")
	public ResponseEntity<?> listSecrets(@PathVariable String id) {
		TenantSecretAdministration secrets = requireSecrets();
		TenantId tenant = TenantId.parse(id).orElseThrow(TenantAdminController::notFound);
		try {
			List<SecretView> views = secrets.list(tenant).stream().map(SecretView::of).toList();
			return ResponseEntity.ok(new SecretList(views));
		}
		catch (TenantRegistryException ex) {
			throw registryProblem(ex);
		}
	}

	private TenantSecretAdministration requireSecrets() {
		if (this.secrets == null) {
			throw readOnly();
		}
		return this.secrets;
	}

	private static void checkSecretName(String name) {
		if (!TenantSecretAdministration.isValidName(name)) {
			throw new TenancyException(TenancyError.INVALID_REQUEST, "The request is invalid: see violations.",
					List.of(new Violation("name", "must be a DNS label such as inbound-email-signing-key")));
		}
	}

	/** The value of {@code {"value": "..."}}, read with a bound, never echoed. */
	private static String secretValue(HttpServletRequest request) throws IOException {
		byte[] bytes = request.getInputStream().readNBytes(MAX_SECRET_BODY + 1);
		if (bytes.length > MAX_SECRET_BODY) {
			throw new TenancyException(TenancyError.PAYLOAD_TOO_LARGE);
		}
		JsonNode json;
		try {
			json = (bytes.length > 0) ? JSON.readTree(bytes) : null;
		}
		catch (JacksonException ex) {
			throw new TenancyException(TenancyError.INVALID_REQUEST, "The body is not valid JSON.");
		}
		// Nothing of a secret's body is ever echoed, not even a key name: a misplaced
		// secret can be a key as well as a value.
		if (json == null || !json.isObject() || json.size() != 1) {
			throw new TenancyException(TenancyError.INVALID_REQUEST, "The request is invalid: see violations.",
					List.of(new Violation("value", "the body must be {\"value\": \"<secret>\"} and nothing else")));
		}
		JsonNode value = json.get("value");
		if (value == null || !value.isString() || value.asString().isEmpty() || value.asString()
			.getBytes(StandardCharsets.UTF_8).length > TenantSecretAdministration.MAX_VALUE_BYTES) {
			throw new TenancyException(TenancyError.INVALID_REQUEST, "The request is invalid: see violations.", List
				.of(new Violation("value",
						"is required, text of 1 to " + TenantSecretAdministration.MAX_VALUE_BYTES + " bytes (UTF-8)")));
		}
		return value.asString();
	}

	private static TenancyException secretsNotConfigured() {
		return new TenancyException(TenancyError.SECRETS_NOT_CONFIGURED,
				"Tenant secrets are off: set tenancy.registry.secrets.key (base64 of 32 random bytes).");
	}

	private ResponseEntity<?> changeStatus(String id, TenantStatus target, String ifMatch, HttpServletRequest request) {
		if (this.administration == null) {
			throw readOnly();
		}
		TenantId tenant = TenantId.parse(id).orElseThrow(TenantAdminController::notFound);
		Long version = null;
		if (ifMatch != null) {
			version = version(ifMatch);
			if (version == null) {
				throw new TenancyException(TenancyError.INVALID_REQUEST, "If-Match must be an ETag such as \"3\".");
			}
		}
		try {
			return ok(this.administration.changeStatus(tenant, target, version, change(request)));
		}
		catch (TenantRegistryException ex) {
			throw registryProblem(ex);
		}
	}

	private static JsonNode body(String body, Set<String> allowed) {
		if (body == null || body.isBlank()) {
			throw new TenancyException(TenancyError.INVALID_REQUEST, "A JSON body is required.");
		}
		if (body.length() > MAX_BODY) {
			throw new TenancyException(TenancyError.PAYLOAD_TOO_LARGE);
		}
		JsonNode json;
		try {
			json = JSON.readTree(body);
		}
		catch (JacksonException ex) {
			throw new TenancyException(TenancyError.INVALID_REQUEST, "The body is not valid JSON.");
		}
		if (json == null || !json.isObject()) {
			throw new TenancyException(TenancyError.INVALID_REQUEST, "The body must be a JSON object.");
		}
		List<Violation> unknown = new ArrayList<>();
		for (String key : json.propertyNames()) {
			if (!allowed.contains(key)) {
				unknown.add(new Violation(key, "unknown key (expected "
						+ String.join(", ", KEY_ORDER.stream().filter(allowed::contains).toList()) + ")"));
			}
		}
		if (!unknown.isEmpty()) {
			throw invalid(new InvalidTenantConfigException(unknown));
		}
		return json;
	}

	/** The display name of a request, or its violation. */
	private static String displayName(JsonNode json, List<Violation> violations) {
		JsonNode name = json.get("displayName");
		if (name == null || !name.isString() || name.asString().isBlank() || name.asString().length() > 200) {
			violations.add(new Violation("displayName", "is required, text of 1 to 200 characters"));
			return null;
		}
		if (!StoredText.isSafe(name.asString())) {
			violations.add(new Violation("displayName", StoredText.REASON));
			return null;
		}
		return name.asString();
	}

	/**
	 * The configuration of a request, validated like every tenant configuration, or its
	 * violations.
	 */
	private static TenantConfig config(JsonNode config, boolean required, List<Violation> violations) {
		if (required && (config == null || !config.isObject())) {
			violations.add(new Violation("config", "is required, an object ({} for an empty configuration)"));
			return null;
		}
		try {
			return TenantConfigJson.fromInput(config, "config");
		}
		catch (InvalidTenantConfigException ex) {
			violations.addAll(ex.violations());
			return null;
		}
	}

	/**
	 * The tenant as stored now: from the database itself where the write side can read.
	 */
	private Tenant current(TenantId id) {
		TenantRegistry source = (this.administration instanceof TenantRegistry direct) ? direct : this.registry;
		Tenant tenant = source.find(id).orElse(null);
		return (tenant == null || tenant.status() == TenantStatus.DELETED) ? null : tenant;
	}

	private static Long version(String ifMatch) {
		if (ifMatch == null) {
			return null;
		}
		var matcher = ETAG.matcher(ifMatch.strip());
		return matcher.matches() ? Long.valueOf(matcher.group(2)) : null;
	}

	private static TenantChange change(HttpServletRequest request) {
		String principal = null;
		if (SECURITY_PRESENT) {
			Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
			if (authentication != null && authentication.isAuthenticated()
					&& !"anonymousUser".equals(authentication.getPrincipal())) {
				principal = authentication.getName();
			}
		}
		// The bootstrap token's authentication names itself (admin-token, with the
		// subject of
		// a bearer token that rode along), so the principal's name is the actor either
		// way.
		String actor = (principal != null) ? principal : "anonymous";
		// The request id the log lines of this request carry (MDC request_id, set by the
		// starter's request id filter), so an audit record leads to them.
		String requestId = MDC.get("request_id");
		if (requestId == null) {
			requestId = request.getHeader("X-Request-ID");
		}
		if (requestId == null || !REQUEST_ID.matcher(requestId).matches()) {
			requestId = UUID.randomUUID().toString();
		}
		return new TenantChange(actor, requestId);
	}

	private static ResponseEntity<?> ok(Tenant tenant) {
		return ResponseEntity.ok().eTag(etag(tenant)).body(TenantView.of(tenant));
	}

	private static String etag(Tenant tenant) {
		return "\"" + tenant.version() + "\"";
	}

	/**
	 * Every refusal of this API, as the catalogue's problem.
	 * @param ex the refusal
	 * @return the problem
	 */
	@ExceptionHandler(TenancyException.class)
	public ResponseEntity<ProblemDetail> refused(TenancyException ex) {
		return ex.toResponseEntity();
	}

	private static TenancyException registryProblem(TenantRegistryException ex) {
		if (ex instanceof TenantRegistryException.NotFound) {
			return notFound();
		}
		if (ex instanceof TenantRegistryException.StaleVersion stale) {
			return new TenancyException(TenancyError.VERSION_CONFLICT).withHeader("ETag",
					"\"" + stale.currentVersion() + "\"");
		}
		if (ex instanceof TenantRegistryException.InvalidTransition) {
			return new TenancyException(TenancyError.INVALID_TRANSITION);
		}
		if (ex instanceof TenantRegistryException.EmailDomainTaken taken) {
			// Both are validated names (a DNS name, a tenant id), and this API is for
			// administrators only, so naming the owner leaks nothing they could not list.
			return new TenancyException(TenancyError.EMAIL_DOMAIN_TAKEN,
					"E-mail domain '" + taken.domain() + "' already belongs to tenant '" + taken.owner() + "'.")
				.withProperty("domain", taken.domain())
				.withProperty("tenant", taken.owner());
		}
		return new TenancyException(TenancyError.CONFLICT);
	}

	private static TenancyException invalid(InvalidTenantConfigException ex) {
		// Paths are echoed only when they look like paths; anything else is the caller's
		// own text.
		List<Violation> violations = ex.violations()
			.stream()
			.map((violation) -> SAFE_PATH.matcher(violation.path()).matches() ? violation
					: new Violation("config", "unknown or malformed key"))
			.toList();
		return new TenancyException(TenancyError.INVALID_REQUEST, "The request is invalid: see violations.",
				violations);
	}

	private static TenancyException readOnly() {
		return new TenancyException(TenancyError.REGISTRY_READ_ONLY);
	}

	private static TenancyException notFound() {
		return new TenancyException(TenancyError.TENANT_NOT_FOUND);
	}

	private static int parseInt(String value, int fallback) {
		try {
			return Integer.parseInt(value);
		}
		catch (NumberFormatException ex) {
			return fallback;
		}
	}

	/**
	 * The body of {@code POST /admin/tenants}, validated as a whole: every violation is
	 * reported.
	 *
	 * @param id the new tenant's id
	 * @param displayName its name
	 * @param config its configuration
	 */
	record NewTenant(TenantId id, String displayName, TenantConfig config) {

		static NewTenant of(JsonNode json) {
			List<Violation> violations = new ArrayList<>();
			JsonNode idNode = json.get("id");
			TenantId id = null;
			if (idNode == null || !idNode.isString() || !TenantId.isValid(idNode.asString())) {
				violations.add(new Violation("id", "is required, a DNS label such as acme-travel"));
			}
			else if (ReservedTenantIds.isReserved(TenantId.of(idNode.asString()))) {
				violations.add(new Violation("id", "is reserved; choose another id"));
			}
			else {
				id = TenantId.of(idNode.asString());
			}
			String displayName = TenantAdminController.displayName(json, violations);
			TenantConfig config = TenantAdminController.config(json.get("config"), false, violations);
			if (!violations.isEmpty()) {
				throw invalid(new InvalidTenantConfigException(violations));
			}
			return new NewTenant(id, displayName, config);
		}

	}

	/**
	 * The full tenant a {@code PUT} (or a merged {@code PATCH}) stands for.
	 *
	 * @param displayName the name
	 * @param config the configuration, required ({@code {}} for an empty one)
	 */
	record TenantUpdate(String displayName, TenantConfig config) {

		static TenantUpdate of(JsonNode json) {
			List<Violation> violations = new ArrayList<>();
			String displayName = TenantAdminController.displayName(json, violations);
			TenantConfig config = TenantAdminController.config(json.get("config"), true, violations);
			if (!violations.isEmpty()) {
				throw invalid(new InvalidTenantConfigException(violations));
			}
			return new TenantUpdate(displayName, config);
		}

	}

	/**
	 * A tenant's secrets, without their values.
	 *
	 * @param secrets the secrets, by name
	 */
	public record SecretList(List<SecretView> secrets) {
	}

	/**
	 * A secret as the API shows it: everything but its value.
	 *
	 * @param name the name
	 * @param keyId the id of the key it is encrypted with
	 * @param createdAt when it was first set (ISO-8601)
	 * @param updatedAt when it was last set (ISO-8601)
	 */
	public record SecretView(String name, String keyId, String createdAt, String updatedAt) {

		static SecretView of(TenantSecretAdministration.SecretInfo info) {
			return new SecretView(info.name(), info.keyId(), info.createdAt().toString(), info.updatedAt().toString());
		}

	}

	/**
	 * A page of tenants.
	 *
	 * @param content the tenants on this page
	 * @param page the page number
	 * @param size the page size
	 * @param total the number of matching tenants
	 */
	public record TenantPage(List<TenantView> content, int page, int size, long total) {
	}

	/**
	 * An audit entry as the API shows it.
	 *
	 * @param id the entry id
	 * @param action what happened
	 * @param actor who
	 * @param at when (ISO-8601)
	 * @param version the version after the change
	 * @param before the tenant before, as JSON
	 * @param after the tenant after, as JSON
	 * @param requestId the request id
	 */
	public record AuditView(long id, String action, String actor, String at, long version, JsonNode before,
			JsonNode after, String requestId) {

		static AuditView of(dev.tenancy.registry.TenantAuditEntry entry) {
			return new AuditView(entry.id(), entry.action(), entry.actor(), entry.at().toString(), entry.version(),
					parse(entry.before()), parse(entry.after()), entry.requestId());
		}

		private static JsonNode parse(String json) {
			return (json != null) ? JSON.readTree(json) : null;
		}

	}

}
