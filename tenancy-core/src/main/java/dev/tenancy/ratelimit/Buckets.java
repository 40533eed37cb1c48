package dev.tenancy.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;

import dev.tenancy.ratelimit.RateLimitDecision.PolicyStatus;
import dev.tenancy.ratelimit.RateLimitDecision.Source;

/**
 * What the Redis and local limiters share: bucket4j configurations from policies, and the
 * decision over several limits.
 */
final class Buckets {

	private Buckets() {
	}

	/**
	 * The bucket configuration of a policy: capacity {@code capacity}, refilled with
	 * {@code limit} tokens at once each time a whole {@code window} has passed
	 * (bucket4j's interval refill, not the greedy one). From a full bucket of capacity
	 * {@code limit} no window admits more than {@code limit}: a greedy refill would add a
	 * token every {@code window / limit} and admit that many more during a run.
	 * @param policy the policy
	 * @return the configuration
	 */
	static BucketConfiguration configuration(RateLimitPolicy policy) {
		return configuration(policy, 1);
	}

	/**
	 * The configuration of one instance's share of a policy: capacity and refill divided
	 * by the number of instances (rounded down, at least 1), refilled at the end of each
	 * window as in {@link #configuration(RateLimitPolicy)}.
	 * @param policy the policy
	 * @param instances the expected number of instances
	 * @return the configuration
	 */
	static BucketConfiguration configuration(RateLimitPolicy policy, int instances) {
		Bandwidth bandwidth = Bandwidth.builder()
			.capacity(shareOf(policy.capacity(), instances))
			.refillIntervally(shareOf(policy.limit(), instances), policy.window())
			.id(policy.name())
			.build();
		return BucketConfiguration.builder().addLimit(bandwidth).build();
	}

	/**
	 * One instance's share of a number of tokens.
	 * @param tokens the tokens of the whole plan
	 * @param instances the expected number of instances
	 * @return the share, at least 1
	 */
	static long shareOf(long tokens, int instances) {
		return Math.max(1, tokens / instances);
	}

	/**
	 * The time until the next refill of an interval-refilled bucket, from bucket4j's time
	 * until the bucket is full again. That time is the wait for the next refill plus a
	 * whole number of windows (one per further refill the bucket needs), so the next
	 * refill is the remainder in {@code (0, window]}.
	 * @param nanosToFull time until the bucket is full, 0 when it is full
	 * @param windowNanos the refill period
	 * @return nanoseconds until the next refill, 0 when the bucket is full
	 */
	static long nanosToNextRefill(long nanosToFull, long windowNanos) {
		if (nanosToFull <= 0 || nanosToFull == Long.MAX_VALUE) {
			return (nanosToFull <= 0) ? 0 : windowNanos;
		}
		return nanosToFull - ((nanosToFull - 1) / windowNanos) * windowNanos;
	}

	/**
	 * One bucket as the multi-limit decision sees it.
	 */
	interface LimitBucket {

		/**
		 * Try to take tokens.
		 * @param tokens the tokens
		 * @return the probe
		 */
		CompletableFuture<ConsumptionProbe> tryConsume(long tokens);

		/**
		 * Give tokens back (capped at the capacity).
		 * @param tokens the tokens
		 * @return completion
		 */
		CompletableFuture<Void> refund(long tokens);

		/**
		 * Whether tokens could be taken now, taking none.
		 * @param tokens the tokens
		 * @return the estimate
		 */
		CompletableFuture<EstimationProbe> estimate(long tokens);

	}

	/**
	 * What {@link #decide} would answer now, consuming nothing: rejected when any bucket
	 * that applies could not give the request's cost, with the longest wait among them.
	 * @param request the request
	 * @param source the source to report
	 * @param tenant the tenant bucket
	 * @param user the user bucket, or {@code null} when the user policy does not apply
	 * @return the decision the request would get
	 */
	static CompletableFuture<RateLimitDecision> peek(RateLimitRequest request, Source source, LimitBucket tenant,
			LimitBucket user) {
		long cost = request.cost();
		List<RateLimitPolicy> policies = request.policies();
		CompletableFuture<EstimationProbe> userEstimate = (user != null) ? user.estimate(cost)
				: CompletableFuture.completedFuture(null);
		return tenant.estimate(cost).thenCombine(userEstimate, (tenantProbe, userProbe) -> {
			PolicyStatus tenantStatus = estimated(request.plan().tenantLimit(), tenantProbe);
			PolicyStatus userStatus = (userProbe != null) ? estimated(request.plan().userLimit(), userProbe) : null;
			String rejectedBy = null;
			long retryAfter = 0;
			if (userProbe != null && !userProbe.canBeConsumed()) {
				rejectedBy = RateLimitPolicy.USER;
				retryAfter = wait(request.plan().userLimit(), userProbe);
			}
			if (!tenantProbe.canBeConsumed()) {
				long tenantWait = wait(request.plan().tenantLimit(), tenantProbe);
				if (rejectedBy == null || tenantWait > retryAfter) {
					rejectedBy = RateLimitPolicy.TENANT;
					retryAfter = tenantWait;
				}
			}
			return new RateLimitDecision(rejectedBy == null, source, policies, statuses(tenantStatus, userStatus),
					rejectedBy, retryAfter);
		});
	}

	private static PolicyStatus estimated(RateLimitPolicy policy, EstimationProbe probe) {
		return new PolicyStatus(policy.name(), probe.getRemainingTokens(),
				probe.canBeConsumed() ? 0 : wait(policy, probe));
	}

	private static long wait(RateLimitPolicy policy, EstimationProbe probe) {
		long wait = probe.getNanosToWaitForRefill();
		// The cost exceeds the capacity: no wait helps. Say "one window" rather than
		// forever.
		return (wait == Long.MAX_VALUE || wait < 0) ? policy.window().toNanos() : wait;
	}

	/**
	 * Decide a request over the tenant bucket and, when it applies, the user bucket.
	 * <p>
	 * The user bucket is consumed first. If it rejects, the tenant bucket is not touched.
	 * If it admits and the tenant bucket then rejects, the user's tokens are given back
	 * before the decision completes. So a rejected request leaves every bucket as it
	 * found it, except that between the user's consumption and the refund the user bucket
	 * is short by the cost (a concurrent request of the same user may see the lower
	 * count), and {@code addTokens} caps at the capacity. The user goes first because a
	 * user rejection is the common case and must not disturb the tenant bucket that every
	 * other user shares. If the store fails part-way, tokens already taken stay taken:
	 * errors may under-admit, never over-admit.
	 * @param request the request
	 * @param source the source to report
	 * @param tenant the tenant bucket
	 * @param user the user bucket, or {@code null} when the user policy does not apply
	 * @param refundFailure told when a refund fails (the decision stands)
	 * @return the decision
	 */
	static CompletableFuture<RateLimitDecision> decide(RateLimitRequest request, Source source, LimitBucket tenant,
			LimitBucket user, BiConsumer<RateLimitRequest, Throwable> refundFailure) {
		long cost = request.cost();
		List<RateLimitPolicy> policies = request.policies();
		if (user == null) {
			return tenant.tryConsume(cost).thenApply((tenantProbe) -> {
				PolicyStatus tenantStatus = status(request.plan().tenantLimit(), tenantProbe);
				return tenantProbe.isConsumed() ? allowed(source, policies, tenantStatus, null)
						: rejected(source, policies, RateLimitPolicy.TENANT, tenantProbe, tenantStatus, null);
			});
		}
		RateLimitPolicy userPolicy = request.plan().userLimit();
		return user.tryConsume(cost).thenCompose((userProbe) -> {
			PolicyStatus userStatus = status(userPolicy, userProbe);
			if (!userProbe.isConsumed()) {
				return CompletableFuture
					.completedFuture(rejected(source, policies, RateLimitPolicy.USER, userProbe, null, userStatus));
			}
			return tenant.tryConsume(cost).thenCompose((tenantProbe) -> {
				PolicyStatus tenantStatus = status(request.plan().tenantLimit(), tenantProbe);
				if (tenantProbe.isConsumed()) {
					return CompletableFuture.completedFuture(allowed(source, policies, tenantStatus, userStatus));
				}
				// As the user bucket will be once the refund lands.
				PolicyStatus refunded = new PolicyStatus(RateLimitPolicy.USER,
						Math.min(userPolicy.capacity(), userProbe.getRemainingTokens() + cost),
						userStatus.resetNanos());
				RateLimitDecision decision = rejected(source, policies, RateLimitPolicy.TENANT, tenantProbe,
						tenantStatus, refunded);
				CompletableFuture<Void> refund;
				try {
					refund = user.refund(cost);
				}
				catch (RuntimeException ex) {
					refund = CompletableFuture.failedFuture(ex);
				}
				return refund.handle((ignored, ex) -> {
					if (ex != null) {
						refundFailure.accept(request, ex);
					}
					return decision;
				});
			});
		});
	}

	private static PolicyStatus status(RateLimitPolicy policy, ConsumptionProbe probe) {
		return new PolicyStatus(policy.name(), probe.getRemainingTokens(),
				nanosToNextRefill(probe.getNanosToWaitForReset(), policy.window().toNanos()));
	}

	private static RateLimitDecision allowed(Source source, List<RateLimitPolicy> policies, PolicyStatus tenant,
			PolicyStatus user) {
		return new RateLimitDecision(true, source, policies, statuses(tenant, user), null, 0);
	}

	private static RateLimitDecision rejected(Source source, List<RateLimitPolicy> policies, String rejectedBy,
			ConsumptionProbe probe, PolicyStatus tenant, PolicyStatus user) {
		long retryAfter = probe.getNanosToWaitForRefill();
		if (retryAfter == Long.MAX_VALUE || retryAfter < 0) {
			// The cost exceeds the capacity: no wait helps. Say "one window" rather than
			// forever.
			RateLimitPolicy policy = policies.stream()
				.filter((candidate) -> candidate.name().equals(rejectedBy))
				.findFirst()
				.orElse(policies.get(0));
			retryAfter = policy.window().toNanos();
		}
		return new RateLimitDecision(false, source, policies, statuses(tenant, user), rejectedBy, retryAfter);
	}

	private static List<PolicyStatus> statuses(PolicyStatus tenant, PolicyStatus user) {
		List<PolicyStatus> statuses = new ArrayList<>(2);
		if (tenant != null) {
			statuses.add(tenant);
		}
		if (user != null) {
			statuses.add(user);
		}
		return statuses;
	}

}
