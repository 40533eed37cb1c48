package dev.tenancy.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

/**
 * Binds {@code tenancy.rate-limit.*} whenever the starter is present, whether or not the
 * limiter is set up, so that a wrong value (an unknown {@code failure-mode}, say) stops
 * start-up with Spring Boot's analysis listing the valid values instead of being ignored.
 * And an application that asks for rate limiting explicitly
 * ({@code tenancy.rate-limit.enabled=true}) but gets no limiter, because Lettuce or
 * bucket4j is missing or no Redis location is configured, fails to start with what to
 * add, rather than running without limits.
 */
@AutoConfiguration(before = TenancyRateLimitAutoConfiguration.class)
@EnableConfigurationProperties(TenancyRateLimitProperties.class)
public final class TenancyRateLimitPropertiesAutoConfiguration {

	/** The classes the Redis limiter needs. */
	static final List<String> REQUIRED_CLASSES = List.of("io.lettuce.core.RedisClient",
			"io.github.bucket4j.redis.lettuce.Bucket4jLettuce");

	@Bean
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnBooleanProperty(name = "tenancy.enabled", matchIfMissing = true)
	@ConditionalOnBooleanProperty(name = "tenancy.rate-limit.enabled")
	static SmartInitializingSingleton tenancyRateLimitRequired(ConfigurableListableBeanFactory beans) {
		return () -> {
			if (beans.containsBean(TenancyRateLimitAutoConfiguration.RATE_LIMITER_BEAN)) {
				return;
			}
			List<String> missing = REQUIRED_CLASSES.stream()
				.filter((name) -> !ClassUtils.isPresent(name, beans.getBeanClassLoader()))
				.toList();
			if (!missing.isEmpty()) {
				throw new TenancyConfigurationException(
						"tenancy.rate-limit.enabled is true, but rate limiting needs Lettuce and bucket4j on the "
								+ "classpath and " + String.join(" and ", missing) + " cannot be found, so no "
								+ "request would be limited.",
						"Add the dependencies com.bucket4j:bucket4j_jdk17-lettuce and io.lettuce:lettuce-core "
								+ "(spring-boot-starter-data-redis brings Lettuce), or set "
								+ "tenancy.rate-limit.enabled=false.");
			}
			throw new TenancyConfigurationException(
					"tenancy.rate-limit.enabled is true, but no Redis location is configured, so no request "
							+ "would be limited.",
					"Configure Redis with spring.data.redis.url (or spring.data.redis.host and port), or with "
							+ "tenancy.rate-limit.redis.url, .cluster.nodes or .sentinel.*; or set "
							+ "tenancy.rate-limit.enabled=false.");
		};
	}

}
