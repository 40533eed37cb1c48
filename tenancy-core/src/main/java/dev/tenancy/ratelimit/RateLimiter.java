package dev.tenancy.ratelimit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether a request of a tenant may proceed, consuming from every limit of the
 * tenant's plan that applies to it.
 * <p>
 * Several limits on one request are decided together: a request that one limit rejects
 * spends nothing from the others (see each implementation for the precise guarantee).
 */
public interface RateLimiter {

	/**
	 * Decide a request. Implementations should not throw; a failure is reported through
	 * the returned stage.
	 * @param request the request
	 * @return the decision
	 */
	CompletionStage<RateLimitDecision> consume(RateLimitRequest request);

	/**
	 * The decision a request would get now, consuming nothing. For callers that must know
	 * whether they are limited before doing work whose outcome decides whether to consume
	 * at all, such as checking a credential where only failures count.
	 * <p>
	 * The default cannot tell: its stage fails with
	 * {@link UnsupportedOperationException}, which callers treat as they treat any
	 * failure of the limiter.
	 * @param request the request
	 * @return the decision it would get
	 */
	default CompletionStage<RateLimitDecision> peek(RateLimitRequest request) {
		return CompletableFuture.failedFuture(new UnsupportedOperationException(getClass().getName() + " cannot peek"));
	}

	/**
	 * Charge tokens that were admitted while this limiter could not decide (by a local
	 * fallback during an outage), so that the shared buckets account for them once this
	 * limiter is reachable again. Every policy of the request is charged the same tokens,
	 * as each local admission spent from all of them; a bucket goes down to empty at
	 * most, never below, and nothing is rejected.
	 * <p>
	 * The default cannot charge: its stage fails with
	 * {@link UnsupportedOperationException}, and callers drop the charge.
	 * @param request the request whose buckets to charge (its own cost is ignored)
	 * @param tokens the tokens to charge to each of its buckets, at least 1
	 * @return completes when the buckets were charged
	 */
	default CompletionStage<Void> charge(RateLimitRequest request, long tokens) {
		return CompletableFuture
			.failedFuture(new UnsupportedOperationException(getClass().getName() + " cannot charge"));
	}

}
