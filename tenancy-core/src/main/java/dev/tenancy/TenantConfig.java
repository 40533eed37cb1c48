package dev.tenancy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A tenant's configuration: its plan, rate limits, features and presentation settings.
 *
 * @param plan the plan name, such as {@code standard}
 * @param rateLimit the rate limits of the plan, or {@code null} for none
 * @param features the features the tenant may use
 * @param emailDomains e-mail domains that belong to the tenant
 * @param locale the tenant's locale as an IETF language tag, or {@code null}
 * @param attributes free-form presentation attributes
 */
public record TenantConfig(String plan, RateLimit rateLimit, List<String> features, List<String> emailDomains,
		String locale, Map<String, String> attributes) {

	private static final TenantConfig EMPTY = new TenantConfig(null, null, null, null, null, null);

	public TenantConfig {
		features = (features != null) ? List.copyOf(features) : List.of();
		emailDomains = (emailDomains != null) ? List.copyOf(emailDomains) : List.of();
		attributes = (attributes != null) ? Map.copyOf(attributes) : Map.of();
	}

	/**
	 * A configuration with nothing set.
	 * @return the empty configuration
	 */
	public static TenantConfig empty() {
		return EMPTY;
	}

	/**
	 * Whether the tenant has a feature.
	 * @param feature the feature name
	 * @return {@code true} if listed
	 */
	public boolean hasFeature(String feature) {
		return this.features.contains(feature);
	}

	/**
	 * A rate-limit plan.
	 *
	 * @param limit requests allowed per window
	 * @param window the window length
	 * @param burst bucket capacity, at least {@code limit}; defaults to {@code limit}
	 * @param perUser an optional limit per user inside the tenant
	 * @param costs token cost per route class, such as {@code helpdesk: 5}
	 */
	public record RateLimit(long limit, Duration window, long burst, UserLimit perUser, Map<String, Long> costs) {

		public RateLimit {
			if (limit <= 0) {
				throw new IllegalArgumentException("rateLimit.limit must be positive");
			}
			Objects.requireNonNull(window, "rateLimit.window");
			if (window.isNegative() || window.isZero()) {
				throw new IllegalArgumentException("rateLimit.window must be positive");
			}
			burst = (burst <= 0) ? limit : burst;
			costs = (costs != null) ? Map.copyOf(costs) : Map.of();
		}

	}

	/**
	 * A per-user limit inside a tenant.
	 *
	 * @param limit requests allowed per window for one user
	 * @param window the window length
	 */
	public record UserLimit(long limit, Duration window) {

		public UserLimit {
			if (limit <= 0) {
				throw new IllegalArgumentException("rateLimit.perUser.limit must be positive");
			}
			Objects.requireNonNull(window, "rateLimit.perUser.window");
		}

	}

}
