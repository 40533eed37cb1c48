package dev.tenancy.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.RedisURI;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

import dev.tenancy.ratelimit.RedisRateLimitClient;

/**
 * Where the rate limiter's Redis is: {@code tenancy.rate-limit.redis.*}, or else Spring Boot's
 * {@code spring.data.redis.url} / {@code host} (read from the environment, so Spring Data Redis is
 * not needed).
 */
final class RateLimitRedisLocation {

	private static final String PREFIX = "tenancy.rate-limit.redis.";

	private RateLimitRedisLocation() {
	}

	/**
	 * Whether any Redis location is configured.
	 * @param environment the environment
	 * @return the property that configures one, or {@code null}
	 */
	static String configuredBy(Environment environment) {
		Binder binder = Binder.get(environment);
		for (String name : List.of(PREFIX + "url", PREFIX + "sentinel.master", "spring.data.redis.url",
				"spring.data.redis.host")) {
			String value = environment.getProperty(name);
			if (value != null && !value.isBlank()) {
				return name;
			}
		}
		if (!binder.bind(PREFIX + "cluster.nodes", Bindable.listOf(String.class)).orElse(List.of()).isEmpty()) {
			return PREFIX + "cluster.nodes";
		}
		return null;
	}

	/**
	 * The client of the configured location.
	 * @param properties the properties
	 * @param environment the environment, for {@code spring.data.redis.*}
	 * @param settings the client's settings
	 * @return the client, not connected yet
	 */
	static RedisRateLimitClient client(TenancyRateLimitProperties properties, Environment environment,
			RedisRateLimitClient.Settings settings) {
		TenancyRateLimitProperties.Redis redis = properties.redis();
		if (!redis.cluster().nodes().isEmpty()) {
			List<RedisURI> seeds = new ArrayList<>();
			for (String node : redis.cluster().nodes()) {
				seeds.add(withCredentials(node(node, PREFIX + "cluster.nodes"), redis));
			}
			return RedisRateLimitClient.cluster(seeds, settings);
		}
		if (TenancyRateLimitProperties.Redis.hasText(redis.sentinel().master())) {
			RedisURI.Builder builder = null;
			for (String node : redis.sentinel().nodes()) {
				RedisURI sentinel = node(node, PREFIX + "sentinel.nodes");
				builder = (builder == null)
						? RedisURI.Builder.sentinel(sentinel.getHost(), sentinel.getPort(), redis.sentinel().master())
						: builder.withSentinel(sentinel.getHost(), sentinel.getPort());
			}
			return RedisRateLimitClient.standalone(withCredentials(builder.build(), redis), settings);
		}
		if (TenancyRateLimitProperties.Redis.hasText(redis.url())) {
			return RedisRateLimitClient.standalone(withCredentials(uri(redis.url(), PREFIX + "url"), redis), settings);
		}
		return RedisRateLimitClient.standalone(springDataRedis(environment), settings);
	}

	private static RedisURI springDataRedis(Environment environment) {
		String url = environment.getProperty("spring.data.redis.url");
		if (url != null && !url.isBlank()) {
			return uri(url, "spring.data.redis.url");
		}
		String host = environment.getProperty("spring.data.redis.host");
		if (host == null || host.isBlank()) {
			throw new IllegalStateException("No Redis location for the rate limiter: set tenancy.rate-limit.redis.url");
		}
		RedisURI.Builder builder = RedisURI.Builder
			.redis(host.strip(), environment.getProperty("spring.data.redis.port", Integer.class, 6379))
			.withDatabase(environment.getProperty("spring.data.redis.database", Integer.class, 0))
			.withSsl(environment.getProperty("spring.data.redis.ssl.enabled", Boolean.class, false));
		String password = environment.getProperty("spring.data.redis.password");
		if (password != null && !password.isEmpty()) {
			builder.withAuthentication(environment.getProperty("spring.data.redis.username"), password);
		}
		return builder.build();
	}

	private static RedisURI withCredentials(RedisURI uri, TenancyRateLimitProperties.Redis redis) {
		if (uri.getPassword() == null && redis.password() != null && !redis.password().isEmpty()) {
			// Set, not copied: RedisURI.builder(uri) loses the sentinels of a Sentinel URI.
			if (redis.username() != null && !redis.username().isEmpty()) {
				uri.setUsername(redis.username());
			}
			uri.setPassword(redis.password());
		}
		return uri;
	}

	private static RedisURI node(String node, String property) {
		String value = node.strip();
		if (value.contains("://")) {
			return uri(value, property);
		}
		int colon = value.lastIndexOf(':');
		try {
			if (colon <= 0 || colon == value.length() - 1) {
				throw new IllegalArgumentException("no port");
			}
			String host = value.substring(0, colon);
			if (host.startsWith("[") && host.endsWith("]")) {
				host = host.substring(1, host.length() - 1);
			}
			return RedisURI.create(host, Integer.parseInt(value.substring(colon + 1)));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(
					property + ": '" + node + "' is not host:port or a redis:// URI (" + ex.getMessage() + ")", ex);
		}
	}

	private static RedisURI uri(String value, String property) {
		try {
			return RedisURI.create(value.strip());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(property + " is not a valid Redis URI: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Matches when a Redis location for the rate limiter is configured.
	 */
	static final class OnConfigured extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			String property = configuredBy(context.getEnvironment());
			if (property != null) {
				return ConditionOutcome.match("Redis location for the rate limiter set by " + property);
			}
			return ConditionOutcome.noMatch("No Redis location for the rate limiter (tenancy.rate-limit.redis.url, "
					+ ".cluster.nodes, .sentinel.master, spring.data.redis.url or spring.data.redis.host)");
		}

	}

}
