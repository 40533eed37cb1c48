/**
 * Distributed per-tenant rate limiting: the {@link dev.tenancy.ratelimit.RateLimiter}
 * SPI, plans derived from a tenant's configuration, the Redis limiter (bucket4j on
 * Lettuce), the local limiter and the fallback that switches between them.
 * <p>
 * bucket4j, Lettuce and Micrometer are optional dependencies of tenancy-core: only
 * {@link dev.tenancy.ratelimit.RedisRateLimiter} needs Lettuce, only the Redis and local
 * limiters need bucket4j, and only
 * {@link dev.tenancy.ratelimit.MicrometerRateLimitMetrics} needs Micrometer. The SPI
 * types (plan, request, decision, failure mode) need none of them.
 */
package dev.tenancy.ratelimit;
