package dev.tenancy;

/**
 * The stable error codes of the external contract, each with its HTTP status and a fixed
 * title. Titles and details are constants so that bodies never echo untrusted input.
 */
public enum TenancyError {

	TENANT_REQUIRED("tenant_required", 400, "Tenant required", "This request must name a tenant."),

	TENANT_INVALID("tenant_invalid", 400, "Invalid tenant", "The tenant identifier is malformed."),

	TENANT_MISMATCH("tenant_mismatch", 403, "Tenant mismatch", "The request names more than one tenant."),

	TENANT_FORBIDDEN("tenant_forbidden", 403, "Tenant forbidden", "You may not act for this tenant."),

	TENANT_SUSPENDED("tenant_suspended", 403, "Tenant suspended", "This tenant is suspended."),

	INVALID_REQUEST("invalid_request", 400, "Invalid request", "The request is malformed."),

	PAYLOAD_TOO_LARGE("payload_too_large", 413, "Payload too large",
			"The request body is larger than this server accepts."),

	RATE_LIMITED("rate_limited", 429, "Too many requests", "Too many requests. Retry after the time in Retry-After."),

	ADMIN_NOT_CONFIGURED("admin_not_configured", 503, "Admin not configured",
			"No admin credential is configured, so the admin API is closed."),

	UNAUTHORIZED("unauthorized", 401, "Unauthorized", "Valid credentials are required."),

	FORBIDDEN("forbidden", 403, "Forbidden", "You may not perform this operation."),

	REGISTRY_UNAVAILABLE("registry_unavailable", 503, "Registry unavailable",
			"The tenant registry cannot be reached. Try again later."),

	DATABASE_UNAVAILABLE("database_unavailable", 503, "Database unavailable",
			"The database cannot be reached. Try again later."),

	IDENTITY_PROVIDER_UNAVAILABLE("identity_provider_unavailable", 503, "Identity provider unavailable",
			"The token cannot be verified because the identity provider cannot be reached. Try again later."),

	NOT_FOUND("not_found", 404, "Not found", "There is nothing here."),

	METHOD_NOT_ALLOWED("method_not_allowed", 405, "Method not allowed", "This method is not allowed here."),

	NOT_ACCEPTABLE("not_acceptable", 406, "Not acceptable", "No acceptable representation is available."),

	UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415, "Unsupported media type",
			"The request body's media type is not supported."),

	SERVICE_UNAVAILABLE("service_unavailable", 503, "Service unavailable",
			"The service cannot answer right now. Try again later."),

	INTERNAL_ERROR("internal_error", 500, "Internal error",
			"The request failed. Quote the correlation id when reporting it."),

	// The admin API's own codes.

	TENANT_NOT_FOUND("tenant_not_found", 404, "Tenant not found", "No such tenant."),

	TENANT_EXISTS("tenant_exists", 409, "Tenant exists", "A tenant with this id already exists."),

	VERSION_CONFLICT("version_conflict", 409, "Version conflict",
			"The tenant was changed by someone else. Read it again and retry."),

	INVALID_TRANSITION("invalid_transition", 409, "Invalid transition", "The tenant cannot change to that status."),

	CONFLICT("conflict", 409, "Conflict", "The change conflicts with the tenant's state."),

	EMAIL_DOMAIN_TAKEN("email_domain_taken", 409, "E-mail domain taken",
			"An e-mail domain in the configuration already belongs to another tenant."),

	SECRET_NOT_FOUND("secret_not_found", 404, "Secret not found", "The tenant has no secret of that name."),

	SECRETS_NOT_CONFIGURED("secrets_not_configured", 503, "Secrets not configured",
			"Tenant secrets are off: no encryption key is configured."),

	PRECONDITION_REQUIRED("precondition_required", 428, "Precondition required",
			"Send If-Match with the ETag of the tenant you read."),

	REGISTRY_READ_ONLY("registry_read_only", 405, "Registry read-only",
			"This registry is read-only; use the PostgreSQL registry to manage tenants.");

	private final String code;

	private final int status;

	private final String title;

	private final String detail;

	TenancyError(String code, int status, String title, String detail) {
		this.code = code;
		this.status = status;
		this.title = title;
		this.detail = detail;
	}

	/**
	 * @return the stable machine-readable code
	 */
	public String code() {
		return this.code;
	}

	/**
	 * @return the HTTP status
	 */
	public int status() {
		return this.status;
	}

	/**
	 * @return a short fixed title
	 */
	public String title() {
		return this.title;
	}

	/**
	 * @return a fixed explanation
	 */
	public String detail() {
		return this.detail;
	}

}
