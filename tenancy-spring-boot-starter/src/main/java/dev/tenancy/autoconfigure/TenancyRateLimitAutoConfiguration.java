package dev.tenancy.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.DispatcherType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import dev.tenancy.TenantTags;
import dev.tenancy.ratelimit.FailureMode;
import dev.tenancy.ratelimit.FailureModePolicy;
import dev.tenancy.ratelimit.FallbackRateLimiter;
import dev.tenancy.ratelimit.LocalRateLimiter;
import dev.tenancy.ratelimit.MicrometerRateLimitMetrics;
import dev.tenancy.ratelimit.RateLimitMetrics;
import dev.tenancy.ratelimit.RateLimiter;
import dev.tenancy.ratelimit.RedisRateLimitClient;
import dev.tenancy.ratelimit.RedisRateLimiter;
import dev.tenancy.web.RateLimitFilter;

/**
 * Distributed per-tenant rate limiting: the Redis limiter (on Lettuce, one connection per
 * instance; the engine of {@code tenancy.rate-limit.engine}: one script call per decision
 * by default, or bucket4j), the local limiter at this instance's share, the fallback
 * between them with a circuit breaker, metrics, and the {@link RateLimitFilter} right
 * after the tenant isolation filter.
 * <p>
 * Active when {@code tenancy.rate-limit.enabled} is not {@code false} and a Redis
 * location is known: {@code tenancy.rate-limit.redis.*}, or else Spring Boot's
 * {@code DataRedisConnectionDetails} (see {@link RateLimitRedisLocation}). Its health is
 * in {@link TenancyHealthContributorAutoConfiguration}. Every bean backs off when the
 * application defines its own; the limiter the filter uses is the bean named
 * {@value #RATE_LIMITER_BEAN}.
 */
@AutoConfiguration(after = { TenancyAutoConfiguration.class, TenancyRegistryAutoConfiguration.class },
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "tenancy.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "tenancy.rate-limit.enabled", matchIfMissing = true)
@ConditionalOnClass(name = { "io.lettuce.core.RedisClient", "io.github.bucket4j.redis.lettuce.Bucket4jLettuce" })
@Conditional(RateLimitRedisLocation.OnConfigured.class)
@EnableConfigurationProperties(TenancyRateLimitProperties.class)
public final class TenancyRateLimitAutoConfiguration {

	/** Order of the rate-limit filter ({@link TenancyFilterOrders#RATE_LIMIT}). */
	public static final int RATE_LIMIT_FILTER_ORDER = TenancyFilterOrders.RATE_LIMIT;

	/** Name of the limiter bean the filter uses. */
	public static final String RATE_LIMITER_BEAN = "tenancyRateLimiter";

	private static final Logger logger = LoggerFactory.getLogger(TenancyRateLimitAutoConfiguration.class);

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	RedisRateLimitClient redisRateLimitClient(TenancyRateLimitProperties properties, ListableBeanFactory beanFactory) {
		TenancyRateLimitProperties.Redis redis = properties.redis();
		// Commands may take the fallback's answer wait, not just the timeout: a slow
		// answer
		// is awaited (only it is exact), a missing one is not.
		Duration commandTimeout = FallbackRateLimiter.Settings.answerWait(properties.timeout());
		RedisRateLimiter.Settings limiter = RedisRateLimiter.Settings.defaults()
			.withKeyPrefix(properties.keyPrefixWithSeparator())
			.withRequestTimeout(commandTimeout)
			.withUserKeySecret(properties.userKeySecret());
		RedisRateLimitClient.Settings settings = new RedisRateLimitClient.Settings(limiter, commandTimeout,
				redis.connectTimeout(), redis.maxReconnectDelay(), properties.engine());
		RedisRateLimitClient client = RedisRateLimitClient
			.create(RateLimitRedisLocation.location(properties, beanFactory), settings);
		// Start-up waits for the connection a little, so that the first requests are
		// decided in
		// Redis; if Redis is away, the instance starts anyway and limits per failure
		// mode.
		if (!client.awaitConnected(redis.connectTimeout().plusMillis(500))) {
			logger.warn("Redis at {} is not reachable: rate limits are decided per failure mode ({}) until it is",
					client.target(), properties.failureMode());
		}
		return client;
	}

	@Bean
	@ConditionalOnMissingBean
	LocalRateLimiter localRateLimiter(TenancyRateLimitProperties properties) {
		return new LocalRateLimiter(properties.expectedInstances());
	}

	@Bean
	@ConditionalOnMissingBean
	FailureModePolicy rateLimitFailureModes(TenancyRateLimitProperties properties) {
		Map<String, FailureMode> byPlan = new LinkedHashMap<>();
		properties.plans().forEach((plan, settings) -> {
			if (settings != null && settings.failureMode() != null) {
				byPlan.put(plan, settings.failureMode());
			}
		});
		return FailureModePolicy.byPlanName(byPlan, properties.failureMode());
	}

	@Bean(RATE_LIMITER_BEAN)
	@Primary
	@ConditionalOnMissingBean(name = RATE_LIMITER_BEAN)
	FallbackRateLimiter tenancyRateLimiter(RedisRateLimitClient redis, LocalRateLimiter local,
			FailureModePolicy failureModes, ObjectProvider<RateLimitMetrics> metrics,
			TenancyRateLimitProperties properties, ObjectProvider<ObservationRegistry> observations) {
		FallbackRateLimiter.Settings settings = new FallbackRateLimiter.Settings(properties.timeout(),
				properties.breaker().failureThreshold(), properties.breaker().probeDelay());
		FallbackRateLimiter limiter = new FallbackRateLimiter(redis, local, settings, failureModes,
				metrics.getIfAvailable(() -> RateLimitMetrics.NONE));
		limiter.setObservationRegistry(observations.getIfUnique(() -> ObservationRegistry.NOOP));
		return limiter;
	}

	@Bean
	@ConditionalOnMissingBean(name = "tenancyRateLimitFilter")
	FilterRegistrationBean<RateLimitFilter> tenancyRateLimitFilter(@Qualifier(RATE_LIMITER_BEAN) RateLimiter limiter,
			FailureModePolicy failureModes, TenancyRateLimitProperties properties) {
		// A safety net only: the fallback limiter answers within about its answer wait.
		Duration maxWait = FallbackRateLimiter.Settings.answerWait(properties.timeout())
			.plus(properties.timeout())
			.plusSeconds(1);
		RateLimitFilter filter = new RateLimitFilter(limiter, properties.routes(), failureModes, maxWait);
		FilterRegistrationBean<RateLimitFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setOrder(TenancyFilterOrders.RATE_LIMIT);
		registration.setDispatcherTypes(DispatcherType.REQUEST);
		return registration;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RateLimitMetrics rateLimitMetrics(ObjectProvider<io.micrometer.core.instrument.MeterRegistry> registry,
				ObjectProvider<TenantTags> tenantTags, TenancyRateLimitProperties properties) {
			io.micrometer.core.instrument.MeterRegistry meters = registry.getIfUnique();
			if (meters == null) {
				return RateLimitMetrics.NONE;
			}
			// The app's shared ranking when the metrics auto-configuration made one, so a
			// tenant holds its own value on the limiter's meters exactly when it does on
			// tenancy.requests.
			TenantTags shared = tenantTags.getIfUnique();
			return (shared != null) ? new MicrometerRateLimitMetrics(meters, shared)
					: new MicrometerRateLimitMetrics(meters, properties.metrics().maxTenantTags());
		}

	}

}
