package dev.tenancy.ratelimit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.tenancy.Tenant;

/**
 * One request to decide.
 *
 * @param plan the tenant's plan
 * @param user the authenticated user (such as the JWT subject), or {@code null}; it is
 * hashed before it goes into a key
 * @param routeClass the cost class of the route, such as {@code helpdesk}, or
 * {@code null}
 */
public record RateLimitRequest(RateLimitPlan plan, String user, String routeClass) {

	public RateLimitRequest {
		Objects.requireNonNull(plan, "plan");
		user = (user == null || user.isEmpty()) ? null : user;
	}

	/**
	 * A request for a tenant.
	 * @param tenant the tenant
	 * @param user the user, or {@code null}
	 * @param routeClass the route class, or {@code null}
	 * @return the request, or empty when the tenant is not limited
	 */
	public static Optional<RateLimitRequest> of(Tenant tenant, String user, String routeClass) {
		return RateLimitPlan.of(tenant).map((plan) -> new RateLimitRequest(plan, user, routeClass));
	}

	/**
	 * @return the tokens this request costs in every policy
	 */
	public long cost() {
		return this.plan.cost(this.routeClass);
	}

	/**
	 * @return whether the per-user limit applies
	 */
	public boolean limitsUser() {
		return this.user != null && this.plan.userLimit() != null;
	}

	/**
	 * @return the policies that apply, tenant first
	 */
	public List<RateLimitPolicy> policies() {
		return this.plan.policies(this.user != null);
	}

}
