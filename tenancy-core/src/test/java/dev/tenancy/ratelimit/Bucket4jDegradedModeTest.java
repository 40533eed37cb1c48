package dev.tenancy.ratelimit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisURI;

/**
 * The degraded-mode cases on the bucket4j engine through {@link RedisRateLimitClient}
 * (one client and connection per instance, reconnecting every 100 ms at most).
 */
class Bucket4jDegradedModeTest extends DegradedModeCases {

	RateLimitEngine engine() {
		return RateLimitEngine.BUCKET4J;
	}

	@Override
	Engine engine(RedisURI uri, String keyPrefix, Duration commandTimeout) {
		RedisRateLimiter.Settings limiter = RedisRateLimiter.Settings.defaults()
			.withKeyPrefix(keyPrefix)
			.withRequestTimeout(commandTimeout);
		RedisRateLimitClient client = RedisRateLimitClient.standalone(uri, new RedisRateLimitClient.Settings(limiter,
				commandTimeout, Duration.ofSeconds(1), Duration.ofMillis(100), engine()));
		try {
			if (!client.connect().get(5, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Could not connect to " + uri);
			}
		}
		catch (Exception ex) {
			client.close();
			throw new IllegalStateException("Could not connect to " + uri, ex);
		}
		return new Engine(client, client);
	}

}
