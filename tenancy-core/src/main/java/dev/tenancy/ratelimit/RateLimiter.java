package dev.tenancy.ratelimit;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a request of a tenant may proceed, consuming from every limit of the tenant's
 * plan that applies to it.
 * <p>
 * Several limits on one request are decided together: a request that one limit rejects spends
 * nothing from the others (see each implementation for the precise guarantee).
 */
public interface RateLimiter {

	/**
	 * Decide a request. Implementations should not throw; a failure is reported through the
	 * returned stage.
	 * @param request the request
	 * @return the decision
	 */
	CompletionStage<RateLimitDecision> consume(RateLimitRequest request);

}
