package dev.tenancy.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

import dev.tenancy.test.TestServices;

/**
 * The Redis every instance of this test JVM limits on: the server of
 * {@link TestServices#redisUrl()} and a key prefix of this JVM only, so parallel runs
 * (and a local app on the same server) never share buckets.
 * <p>
 * The command timeout is the longest allowed (1 s) rather than the default 100 ms:
 * several app instances share this JVM and a small machine, and the tests measure what
 * Redis decides (exact counts across instances), which a late answer decided locally
 * would blur. The way Redis going away is handled does not depend on it: a connection
 * that is cut fails at once.
 * <p>
 * Spring test contexts get these properties through {@link ContextCustomizerFactory}
 * (registered in {@code META-INF/spring.factories}); applications started by hand get
 * them from {@link TestDatabase#args}.
 */
public final class TestRedis {

	/** The key prefix of this test JVM. */
	public static final String KEY_PREFIX = "tenancy-test:" + UUID.randomUUID().toString().substring(0, 8) + ":rl";

	/**
	 * How many instances the tests run at most: each instance's share while Redis is
	 * away.
	 */
	public static final int EXPECTED_INSTANCES = 3;

	private TestRedis() {
	}

	/**
	 * The properties that point the rate limiter at the test Redis.
	 * @return property names and values
	 */
	public static Map<String, Object> properties() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("tenancy.rate-limit.redis.url", TestServices.redisUrl());
		properties.put("tenancy.rate-limit.key-prefix", KEY_PREFIX);
		// the same on every instance the tests start, as in production (a test-only
		// value)
		properties.put("tenancy.rate-limit.user-key-secret", "sample-app-tests-user-key-secret");
		properties.put("tenancy.rate-limit.timeout", "1s");
		properties.put("tenancy.rate-limit.expected-instances", Integer.toString(EXPECTED_INSTANCES));
		// The helpdesk's search cache on the same server, under this JVM's prefix, and
		// its processing queue of this JVM (deleted by the broker once unused)
		properties.put("spring.data.redis.url", TestServices.redisUrl());
		properties.put("spring.cache.redis.key-prefix", KEY_PREFIX + ":cache:");
		properties.put("sample.helpdesk.queue", "sample.helpdesk.test-" + KEY_PREFIX.substring(13, 21));
		properties.put("sample.helpdesk.queue-expires", "10m");
		return properties;
	}

	/**
	 * Puts {@link #properties()} first in every test context's environment.
	 */
	public static final class ContextCustomizerFactory
			implements org.springframework.test.context.ContextCustomizerFactory {

		@Override
		public ContextCustomizer createContextCustomizer(Class<?> testClass,
				List<ContextConfigurationAttributes> configAttributes) {
			return new Customizer();
		}

	}

	private static final class Customizer implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
			context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("testRedis", properties()));
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Customizer;
		}

		@Override
		public int hashCode() {
			return Customizer.class.hashCode();
		}

	}

}
