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
	 * The window in whole seconds, rounded up and at least 1, as the {@code w} parameter
	 * of {@code RateLimit-Policy} requires (the draft allows no sub-second precision).
	 * @return the window in seconds
	 */
	public long windowSeconds() {
		long seconds = this.window.getSeconds() + ((this.window.getNano() > 0) ? 1 : 0);
		return Math.max(1, seconds);
	}

}
