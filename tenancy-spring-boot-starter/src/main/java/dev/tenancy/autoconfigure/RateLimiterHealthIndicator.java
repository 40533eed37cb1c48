package dev.tenancy.autoconfigure;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.tenancy.ratelimit.FallbackRateLimiter;
import dev.tenancy.ratelimit.RateLimiter;
import dev.tenancy.ratelimit.RedisRateLimitClient;

/**
 * The rate limiter's health, as the {@code tenancyRateLimiter} contributor. It is always
 * UP: an unreachable Redis degrades the limiter (each instance limits locally, or per
 * failure mode) but does not stop the application, so it must not turn the application's
 * health DOWN and have it taken out of service. The details say what is going on:
 * <ul>
 * <li>{@code redis}: {@code up} while the connection to Redis is open, {@code down}
 * otherwise;</li>
 * <li>{@code degraded}: {@code true} while decisions are not made in Redis;</li>
 * <li>{@code breaker}: the circuit breaker's state ({@code CLOSED}, {@code OPEN} or
 * {@code HALF_OPEN});</li>
 * <li>{@code target}: where Redis is (no credentials).</li>
 * </ul>
 */
class RateLimiterHealthIndicator extends AbstractHealthIndicator {

	private final RedisRateLimitClient redis;

	private final RateLimiter limiter;

	RateLimiterHealthIndicator(RedisRateLimitClient redis, RateLimiter limiter) {
		super("Rate limiter health check failed");
		this.redis = redis;
		this.limiter = limiter;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		boolean connected = this.redis.isConnected();
		builder.up().withDetail("redis", connected ? "up" : "down");
		if (this.limiter instanceof FallbackRateLimiter fallback) {
			builder.withDetail("degraded", fallback.isDegraded()).withDetail("breaker", fallback.state().name());
		}
		else {
			// a limiter of the application's own: only the connection is known
			builder.withDetail("degraded", !connected);
		}
		builder.withDetail("target", this.redis.target());
	}

}
