package dev.tenancy.admin;

import java.util.List;
import java.util.Map;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;

/**
 * A tenant as the admin API shows it.
 *
 * @param id the tenant id
 * @param displayName the display name
 * @param status the lifecycle state
 * @param version the version, also sent as the ETag
 * @param config the configuration
 */
public record TenantView(String id, String displayName, String status, long version, ConfigView config) {

	static TenantView of(Tenant tenant) {
		return new TenantView(tenant.id().value(), tenant.displayName(), tenant.status().name(), tenant.version(),
				ConfigView.of(tenant.config()));
	}

	/**
	 * The configuration, with durations as ISO-8601 text.
	 *
	 * @param plan the plan
	 * @param rateLimit the rate limit, or {@code null}
	 * @param features the features
	 * @param emailDomains the e-mail domains
	 * @param locale the locale
	 * @param attributes the attributes
	 */
	public record ConfigView(String plan, Map<String, Object> rateLimit, List<String> features,
			List<String> emailDomains, String locale, Map<String, String> attributes) {

		static ConfigView of(TenantConfig config) {
			Map<String, Object> rateLimit = null;
			if (config.rateLimit() != null) {
				TenantConfig.RateLimit limit = config.rateLimit();
				rateLimit = new java.util.LinkedHashMap<>();
				rateLimit.put("limit", limit.limit());
				rateLimit.put("window", limit.window().toString());
				rateLimit.put("burst", limit.burst());
				if (limit.perUser() != null) {
					rateLimit.put("perUser",
							Map.of("limit", limit.perUser().limit(), "window", limit.perUser().window().toString()));
				}
				rateLimit.put("costs", limit.costs());
			}
			return new ConfigView(config.plan(), rateLimit, config.features(), config.emailDomains(), config.locale(),
					config.attributes());
		}

	}

}
