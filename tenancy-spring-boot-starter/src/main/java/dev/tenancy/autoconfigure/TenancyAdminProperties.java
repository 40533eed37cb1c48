package dev.tenancy.autoconfigure;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Admin access (decided inside Spring Security by the admin rule) and the tenant admin
 * API.
 *
 * @param token Bootstrap admin token, sent as X-Admin-Token on the admin paths; unset or
 * blank means no token is accepted, and when there is no JWT decoder either every admin
 * request gets 503 admin_not_configured. Never logged.
 * @param scope JWT scope that grants admin rights.
 * @param paths The admin paths: decided by the admin rule (an administrator or nobody)
 * and exempt from tenant resolution.
 * @param api The tenant admin REST API.
 * @param failedAttempts Throttling of wrong X-Admin-Token values.
 */
@ConfigurationProperties("tenancy.admin")
public record TenancyAdminProperties(String token, @DefaultValue("tenancy.admin") String scope,
		@DefaultValue("/admin/**") List<String> paths, @DefaultValue Api api,
		@DefaultValue FailedAttempts failedAttempts) {

	/**
	 * Throttling of wrong {@code X-Admin-Token} values, per source address and for the
	 * token as a whole (only while a token is configured). A throttled caller gets 429
	 * {@code rate_limited} with {@code Retry-After} for every request that sends the
	 * header, the right token included, until the window passes.
	 *
	 * @param enabled Whether wrong admin tokens are throttled.
	 * @param perAddress Wrong tokens accepted from one source address per window.
	 * @param perToken Wrong tokens accepted from all addresses together per window.
	 * @param window The window; a throttled caller waits until it passes.
	 */
	public record FailedAttempts(@DefaultValue("true") boolean enabled, @DefaultValue("10") long perAddress,
			@DefaultValue("20") long perToken, @DefaultValue("1m") Duration window) {

		public FailedAttempts {
			if (perAddress < 1 || perToken < 1) {
				throw new IllegalArgumentException("tenancy.admin.failed-attempts limits must be at least 1");
			}
			if (window == null || window.isZero() || window.isNegative()) {
				throw new IllegalArgumentException("tenancy.admin.failed-attempts.window must be positive");
			}
		}

	}

	/**
	 * The tenant admin REST API under {@code /admin/tenants}.
	 *
	 * @param enabled Whether the API is exposed (opt-in).
	 */
	public record Api(@DefaultValue("false") boolean enabled) {

	}

	/**
	 * The admin paths: the configured ones, plus the admin API's own paths whenever the
	 * API is on, so that moving {@code paths} can never leave the API unguarded. The
	 * admin rule, the admin token authentication and the tenant isolation filter's
	 * exemptions all read this list.
	 * @return the admin path patterns
	 */
	public List<String> guardedPaths() {
		List<String> guarded = new java.util.ArrayList<>(this.paths);
		if (this.api.enabled()) {
			for (String apiPath : List.of("/admin/tenants", "/admin/tenants/**")) {
				if (!guarded.contains(apiPath)) {
					guarded.add(apiPath);
				}
			}
		}
		return List.copyOf(guarded);
	}

	@Override
	public String toString() {
		return "TenancyAdminProperties[token=" + ((this.token == null || this.token.isBlank()) ? "unset" : "******")
				+ ", scope=" + this.scope + ", paths=" + this.paths + ", api=" + this.api + ", failedAttempts="
				+ this.failedAttempts + "]";
	}

}
