package dev.tenancy.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * One limit of a plan: a token bucket of {@code capacity} tokens, refilled with
 * {@code limit} tokens at once at the end of each {@code window} (an interval refill:
 * from a full bucket of capacity {@code limit}, no window admits more than
 * {@code limit}).
 *
 * @param name the policy name used in keys and headers ({@value #TENANT} or
 * {@value #USER})
 * @param limit tokens added per window (the quota {@code q} of {@code RateLimit-Policy})
 * @param window the window length
 * @param capacity the bucket capacity (burst)
 */
public record RateLimitPolicy(String name, long limit, Duration window, long capacity) {

	/** Name of the policy that limits a whole tenant. */
	public static final String TENANT = "tenant";

	/** Name of the policy that limits one user inside a tenant. */
	public static final String USER = "user";

	/**
	 * The largest limit, capacity or cost a validated plan may have (10^15): token counts
	 * stay below 2 × 10^15, well inside the integers a double (Redis Lua's only number)
	 * holds exactly (2^53 ≈ 9 × 10^15). See {@link ScriptRateLimiter}.
	 */
	public static final long MAX_TOKENS = 1_000_000_000_000_000L;

	/**
	 * The longest time a validated plan may take to fill an empty bucket
	 * ({@code ceil(capacity / limit)} windows): 100 years, so that Redis's time in
	 * microseconds plus it stays below 2^53 until about the year 2150. See
	 * {@link ScriptRateLimiter}.
	 */
	public static final Duration MAX_TIME_TO_FILL = Duration.ofDays(36_525);

	public RateLimitPolicy {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(window, "window");
		if (limit <= 0) {
			throw new IllegalArgumentException("limit must be positive");
		}
		if (window.isZero() || window.isNegative()) {
			throw new IllegalArgumentException("window must be positive");
		}
		if (capacity <= 0) {
			throw new IllegalArgumentException("capacity must be positive");
		}
	}

	/**
	 * The time an empty bucket takes to fill: {@code ceil(capacity / limit)} windows.
	 * @return the time, or {@code null} when it does not fit a {@link Duration}
	 */
	public Duration timeToFill() {
		long windows = this.capacity / this.limit + ((this.capacity % this.limit != 0) ? 1 : 0);
		try {
			return this.window.multipliedBy(windows);
		}
		catch (ArithmeticException ex) {
			return null;
		}
	}

	/**
	 * Whether this policy is within the bounds a validated plan keeps
	 * ({@link #MAX_TOKENS}, {@link #MAX_TIME_TO_FILL}), which the script engine needs for
	 * exact arithmetic.
	 * @return whether it is
	 */
	public boolean withinBounds() {
		Duration fill = timeToFill();
		return this.limit <= MAX_TOKENS && this.capacity <= MAX_TOKENS && fill != null
				&& fill.compareTo(MAX_TIME_TO_FILL) <= 0;
	}

	/**
	 * The window in whole seconds, rounded up and at least 1, as the {@code w} parameter
	 * of {@code RateLimit-Policy} requires (the draft allows no sub-second precision).
	 * @return the window in seconds
	 */
	public long windowSeconds() {
		long seconds = this.window.getSeconds() + ((this.window.getNano() > 0) ? 1 : 0);
		return Math.max(1, seconds);
	}

}
