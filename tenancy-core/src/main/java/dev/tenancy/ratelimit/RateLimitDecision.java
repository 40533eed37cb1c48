package dev.tenancy.ratelimit;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The outcome of one request.
 *
 * @param allowed whether the request may proceed
 * @param source who decided
 * @param policies the policies that applied to the request, tenant first (for
 * {@code RateLimit-Policy})
 * @param statuses the state of each policy that was consulted (for {@code RateLimit}); a
 * policy that was not consulted, such as the tenant policy when the user policy rejected,
 * is absent
 * @param rejectedBy the name of the policy that rejected the request, or {@code null}
 * @param retryAfterNanos when rejected, how long until the request could succeed;
 * otherwise 0
 */
public record RateLimitDecision(boolean allowed, Source source, List<RateLimitPolicy> policies,
		List<PolicyStatus> statuses, String rejectedBy, long retryAfterNanos) {

	private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

	public RateLimitDecision {
		Objects.requireNonNull(source, "source");
		policies = List.copyOf(policies);
		statuses = List.copyOf(statuses);
		retryAfterNanos = Math.max(0, retryAfterNanos);
	}

	/**
	 * A decision made without the shared store, per {@link FailureMode#OPEN}.
	 * @param request the request
	 * @return an admitting decision with no policy state
	 */
	public static RateLimitDecision failOpen(RateLimitRequest request) {
		return new RateLimitDecision(true, Source.FAIL_OPEN, request.policies(), List.of(), null, 0);
	}

	/**
	 * A decision made without the shared store, per {@link FailureMode#CLOSED}.
	 * @param request the request
	 * @param retryAfterNanos when to try again
	 * @return a rejecting decision with no policy state
	 */
	public static RateLimitDecision failClosed(RateLimitRequest request, long retryAfterNanos) {
		return new RateLimitDecision(false, Source.FAIL_CLOSED, request.policies(), List.of(), null,
				Math.max(retryAfterNanos, NANOS_PER_SECOND));
	}

	/**
	 * {@code Retry-After} in whole seconds: rounded up, never 0.
	 * @return seconds to wait before retrying
	 */
	public long retryAfterSeconds() {
		return Math.max(1, ceilSeconds(this.retryAfterNanos));
	}

	/**
	 * Nanoseconds as whole seconds, rounded up.
	 * @param nanos a duration in nanoseconds
	 * @return the seconds
	 */
	static long ceilSeconds(long nanos) {
		if (nanos <= 0) {
			return 0;
		}
		return (nanos / NANOS_PER_SECOND) + ((nanos % NANOS_PER_SECOND != 0) ? 1 : 0);
	}

	/** Who made a decision. */
	public enum Source {

		/** The shared store (Redis), exact across instances. */
		REDIS,

		/** This process's local buckets, at its share of the plan. */
		LOCAL,

		/** Admitted without limiting, the store being unavailable. */
		FAIL_OPEN,

		/** Rejected without limiting, the store being unavailable. */
		FAIL_CLOSED

	}

	/**
	 * The state of one policy after the decision.
	 *
	 * @param policy the policy name
	 * @param remaining tokens left (the {@code r} parameter of {@code RateLimit})
	 * @param resetNanos time until the bucket is full again (the {@code t} parameter,
	 * rounded up to seconds)
	 */
	public record PolicyStatus(String policy, long remaining, long resetNanos) {

		public PolicyStatus {
			Objects.requireNonNull(policy, "policy");
			remaining = Math.max(0, remaining);
			resetNanos = Math.max(0, resetNanos);
		}

		/**
		 * @return {@link #resetNanos()} in whole seconds, rounded up
		 */
		public long resetSeconds() {
			return ceilSeconds(this.resetNanos);
		}

	}

}
