package dev.tenancy.ratelimit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The bucket4j engine on a three-master Redis Cluster started on loopback.
 */
class Bucket4jRateLimiterClusterTest extends RateLimiterContract {

	static RedisStores stores;

	@BeforeAll
	static void start() {
		stores = RedisStores.cluster();
	}

	@AfterAll
	static void stop() {
		if (stores != null) {
			stores.close();
		}
	}

	@Override
	RateLimiter limiter(String prefix) {
		return stores.bucket4j(RedisRateLimiter.Settings.defaults()
			.withKeyPrefix(prefix)
			.withRequestTimeout(java.time.Duration.ofSeconds(5))
			.withUserKeySecret("test-secret"));
	}

	@Override
	RateLimiter otherInstance(String prefix) {
		return limiter(prefix);
	}

}
