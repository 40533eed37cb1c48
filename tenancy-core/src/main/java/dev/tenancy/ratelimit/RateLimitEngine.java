package dev.tenancy.ratelimit;

/**
 * How the Redis limiter decides ({@code tenancy.rate-limit.engine}).
 */
public enum RateLimitEngine {

	/**
	 * One script call per decision (or per coalesced batch), all limits at once, on
	 * Redis's clock: {@link ScriptRateLimiter}. The default.
	 */
	SCRIPT,

	/**
	 * bucket4j's compare-and-swap buckets, one per limit, on the instances' clocks:
	 * {@link RedisRateLimiter}.
	 */
	BUCKET4J

}
