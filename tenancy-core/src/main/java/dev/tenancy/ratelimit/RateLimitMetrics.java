package dev.tenancy.ratelimit;

import java.util.function.BooleanSupplier;

/**
 * What {@link FallbackRateLimiter} reports. {@link #NONE} records nothing;
 * {@link MicrometerRateLimitMetrics} records to Micrometer.
 */
public interface RateLimitMetrics {

	/** Records nothing. */
	RateLimitMetrics NONE = new RateLimitMetrics() {
	};

	/**
	 * A request was decided.
	 * @param request the request
	 * @param decision the decision
	 */
	default void decision(RateLimitRequest request, RateLimitDecision decision) {
	}

	/**
	 * A request was decided without Redis.
	 * @param request the request
	 * @param mode the failure mode applied
	 * @param reason {@code error}, {@code timeout} or {@code circuit_open}
	 */
	default void fallback(RateLimitRequest request, FailureMode mode, String reason) {
	}

	/**
	 * A Redis decision completed.
	 * @param nanos how long it took
	 * @param success whether it succeeded
	 */
	default void redisCall(long nanos, boolean success) {
	}

	/**
	 * Register the limiter's degraded state (for a gauge).
	 * @param degraded {@code true} while the limiter does not use Redis
	 */
	default void degradedState(BooleanSupplier degraded) {
	}

}
