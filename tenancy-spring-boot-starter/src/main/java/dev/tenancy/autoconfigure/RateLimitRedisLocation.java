package dev.tenancy.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;

import dev.tenancy.ratelimit.RedisLocation;

/**
 * Where the rate limiter's Redis is: {@code tenancy.rate-limit.redis.*} when set (a Redis
 * of the limiter's own), or else Spring Boot's {@code DataRedisConnectionDetails}, so
 * that {@code spring.data.redis.*}, {@code @ServiceConnection} and Docker Compose all
 * drive it, SSL bundles included. The starter never reads {@code spring.data.redis.*}
 * itself; the address rules live in core ({@link RedisLocation}).
 */
final class RateLimitRedisLocation {

	static final String PREFIX = "tenancy.rate-limit.redis.";

	static final String CONNECTION_DETAILS = "org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails";

	private RateLimitRedisLocation() {
	}

	/**
	 * Which of the limiter's own properties sets a Redis location.
	 * @param environment the environment
	 * @return the property that configures one, or {@code null}
	 */
	static String configuredBy(Environment environment) {
		for (String name : List.of(PREFIX + "url", PREFIX + "sentinel.master")) {
			String value = environment.getProperty(name);
			if (value != null && !value.isBlank()) {
				return name;
			}
		}
		Binder binder = Binder.get(environment);
		if (!binder.bind(PREFIX + "cluster.nodes", Bindable.listOf(String.class)).orElse(List.of()).isEmpty()) {
			return PREFIX + "cluster.nodes";
		}
		return null;
	}

	/**
	 * The location the limiter connects to.
	 * @param properties the limiter's properties
	 * @param beanFactory where Spring Boot's connection details are, if any
	 * @return the location
	 * @throws TenancyConfigurationException when no location is known or it cannot be
	 * used
	 */
	static RedisLocation location(TenancyRateLimitProperties properties, ListableBeanFactory beanFactory) {
		TenancyRateLimitProperties.Redis redis = properties.redis();
		try {
			if (redis.isConfigured()) {
				return fromProperties(redis);
			}
			if (ClassUtils.isPresent(CONNECTION_DETAILS, RateLimitRedisLocation.class.getClassLoader())) {
				RedisLocation location = DataRedisDetails.location(beanFactory);
				if (location != null) {
					return location;
				}
			}
		}
		catch (IllegalArgumentException ex) {
			throw new TenancyConfigurationException(
					"The rate limiter's Redis location is not usable: " + ex.getMessage(),
					"Fix the Redis location (tenancy.rate-limit.redis.* or spring.data.redis.*).");
		}
		throw new TenancyConfigurationException("Rate limiting is on but no Redis location is known.",
				"Add spring-boot-starter-data-redis and set spring.data.redis.* (or use @ServiceConnection), "
						+ "set tenancy.rate-limit.redis.url, or set tenancy.rate-limit.enabled=false.");
	}

	private static RedisLocation fromProperties(TenancyRateLimitProperties.Redis redis) {
		RedisLocation location;
		if (!redis.cluster().nodes().isEmpty()) {
			location = RedisLocation.cluster(redis.cluster().nodes(), PREFIX + "cluster.nodes");
		}
		else if (TenancyRateLimitProperties.Redis.hasText(redis.sentinel().master())) {
			location = RedisLocation.sentinel(redis.sentinel().master(), redis.sentinel().nodes(), 0,
					PREFIX + "sentinel.nodes");
		}
		else {
			location = RedisLocation.url(redis.url(), PREFIX + "url");
		}
		return location.withCredentials(redis.username(), redis.password());
	}

	/**
	 * Matches when the limiter's own Redis location is set or Spring Boot's Redis
	 * connection details exist (from {@code spring.data.redis.*},
	 * {@code @ServiceConnection}, Docker Compose or the application).
	 */
	static final class OnConfigured extends SpringBootCondition implements ConfigurationCondition {

		@Override
		public ConfigurationPhase getConfigurationPhase() {
			return ConfigurationPhase.REGISTER_BEAN;
		}

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			String property = configuredBy(context.getEnvironment());
			if (property != null) {
				return ConditionOutcome.match("Redis location for the rate limiter set by " + property);
			}
			if (context.getBeanFactory() != null && ClassUtils.isPresent(CONNECTION_DETAILS, context.getClassLoader())
					&& context.getBeanFactory()
						.getBeanNamesForType(ClassUtils.resolveClassName(CONNECTION_DETAILS, context.getClassLoader()),
								true, false).length > 0) {
				return ConditionOutcome.match("Redis location for the rate limiter from DataRedisConnectionDetails");
			}
			return ConditionOutcome.noMatch("No Redis location for the rate limiter (tenancy.rate-limit.redis.url, "
					+ ".cluster.nodes, .sentinel.master, or a DataRedisConnectionDetails bean)");
		}

	}

}
