package dev.tenancy.ratelimit;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.test.TestServices;

/**
 * Tenants, plans and Redis clients for the rate-limit tests. The Redis server is shared,
 * so every test uses its own key prefix and tenant ids.
 */
final class RateLimitTesting {

	private RateLimitTesting() {
	}

	/**
	 * @return a key prefix no other test uses
	 */
	static String uniquePrefix() {
		return "tenancy-test:" + UUID.randomUUID().toString().substring(0, 8) + ":rl:";
	}

	/**
	 * A tenant id no other test uses.
	 * @param base a readable part
	 * @return the id
	 */
	static TenantId uniqueTenant(String base) {
		return TenantId.of(base + "-" + UUID.randomUUID().toString().substring(0, 8));
	}

	static Tenant tenant(TenantId id, long version, TenantConfig.RateLimit rateLimit) {
		return new Tenant(id, null, TenantStatus.ACTIVE,
				new TenantConfig("standard", rateLimit, null, null, null, null), version);
	}

	static TenantConfig.RateLimit limit(long limit, Duration window) {
		return new TenantConfig.RateLimit(limit, window, limit, null, null);
	}

	static TenantConfig.RateLimit limit(long limit, Duration window, long userLimit, Map<String, Long> costs) {
		return new TenantConfig.RateLimit(limit, window, limit, new TenantConfig.UserLimit(userLimit, window), costs);
	}

	static RateLimitRequest request(Tenant tenant, String user, String routeClass) {
		return RateLimitRequest.of(tenant, user, routeClass).orElseThrow();
	}

	static RateLimitDecision decide(RateLimiter limiter, RateLimitRequest request) {
		try {
			return limiter.consume(request).toCompletableFuture().get(5, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("No decision: " + ex, ex);
		}
	}

	/**
	 * @return the shared Redis server's URI
	 */
	static URI redis() {
		return TestServices.redisUri();
	}

	/**
	 * Client resources that reconnect quickly, for tests that take Redis away.
	 * @return new resources; shut them down after the client
	 */
	static ClientResources fastReconnect() {
		return ClientResources.builder().reconnectDelay(Delay.constant(Duration.ofMillis(20))).build();
	}

	/**
	 * A client of a Redis server with the limiter's recommended options.
	 * @param resources the client resources
	 * @param host the host
	 * @param port the port
	 * @return the client
	 */
	static RedisClient client(ClientResources resources, String host, int port) {
		RedisClient client = RedisClient.create(resources, RedisURI.create(host, port));
		client.setOptions(RedisRateLimiter.clientOptions(Duration.ofMillis(500)));
		return client;
	}

	/**
	 * @return a client of the shared server
	 */
	static RedisClient client(ClientResources resources) {
		URI uri = redis();
		RedisClient client = RedisClient.create(resources, RedisURI.create(uri));
		client.setOptions(RedisRateLimiter.clientOptions(Duration.ofMillis(500)));
		return client;
	}

}
