package dev.tenancy.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;

/**
 * The rate limits of one tenant at one version of its configuration.
 *
 * @param tenant the tenant (already validated; keys are only ever built from it)
 * @param version the tenant's version; a higher version replaces the stored bucket
 * configuration
 * @param name the plan name from the tenant's configuration, or {@code null}
 * @param tenantLimit the limit of the whole tenant
 * @param userLimit the limit of each user inside the tenant, or {@code null}
 * @param costs tokens per request of a route class (default 1)
 */
public record RateLimitPlan(TenantId tenant, long version, String name, RateLimitPolicy tenantLimit,
		RateLimitPolicy userLimit, Map<String, Long> costs) {

	public RateLimitPlan {
		Objects.requireNonNull(tenant, "tenant");
		Objects.requireNonNull(tenantLimit, "tenantLimit");
		costs = (costs != null) ? Map.copyOf(costs) : Map.of();
	}

	/**
	 * The plan of a tenant.
	 * @param tenant the tenant
	 * @return the plan, or empty when the tenant's configuration sets no rate limit
	 */
	public static Optional<RateLimitPlan> of(Tenant tenant) {
		TenantConfig.RateLimit limit = tenant.config().rateLimit();
		if (limit == null) {
			return Optional.empty();
		}
		RateLimitPolicy tenantLimit = new RateLimitPolicy(RateLimitPolicy.TENANT, limit.limit(), limit.window(),
				limit.burst());
		TenantConfig.UserLimit perUser = limit.perUser();
		RateLimitPolicy userLimit = (perUser != null)
				? new RateLimitPolicy(RateLimitPolicy.USER, perUser.limit(), perUser.window(), perUser.limit()) : null;
		return Optional.of(new RateLimitPlan(tenant.id(), tenant.version(), tenant.config().plan(), tenantLimit,
				userLimit, limit.costs()));
	}

	/**
	 * Tokens one request of a route class costs.
	 * @param routeClass the route class, or {@code null} for none
	 * @return the cost, at least 1
	 */
	public long cost(String routeClass) {
		if (routeClass == null) {
			return 1;
		}
		Long cost = this.costs.get(routeClass);
		return (cost != null && cost > 0) ? cost : 1;
	}

	/**
	 * The policies that apply to a request.
	 * @param withUser whether the request names a user
	 * @return the tenant policy, then the user policy when the plan has one and a user is
	 * known
	 */
	public List<RateLimitPolicy> policies(boolean withUser) {
		List<RateLimitPolicy> policies = new ArrayList<>(2);
		policies.add(this.tenantLimit);
		if (withUser && this.userLimit != null) {
			policies.add(this.userLimit);
		}
		return List.copyOf(policies);
	}

}
