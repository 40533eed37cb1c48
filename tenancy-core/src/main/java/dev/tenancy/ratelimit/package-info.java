/**
 * Distributed per-tenant rate limiting: the {@link dev.tenancy.ratelimit.RateLimiter}
 * SPI, plans derived from a tenant's configuration, the Redis engines on Lettuce (the
 * one-script {@link dev.tenancy.ratelimit.ScriptRateLimiter}, the default, and bucket4j's
 * {@link dev.tenancy.ratelimit.RedisRateLimiter}), the local limiter and the fallback
 * that switches between them.
 * <p>
 * bucket4j, Lettuce and Micrometer are optional dependencies of tenancy-core: only the
 * Redis engines need Lettuce, only the bucket4j engine and the local limiter need
 * bucket4j, and only {@link dev.tenancy.ratelimit.MicrometerRateLimitMetrics} needs
 * Micrometer. The SPI types (plan, request, decision, failure mode) need none of them.
 */
package dev.tenancy.ratelimit;
