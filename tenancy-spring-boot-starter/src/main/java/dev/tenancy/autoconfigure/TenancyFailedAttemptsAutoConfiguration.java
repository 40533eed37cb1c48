package dev.tenancy.autoconfigure;

import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.tenancy.ratelimit.FailedAttemptThrottle;
import dev.tenancy.ratelimit.FailureMode;
import dev.tenancy.ratelimit.FailureModePolicy;
import dev.tenancy.ratelimit.FallbackRateLimiter;
import dev.tenancy.ratelimit.LocalRateLimiter;
import dev.tenancy.ratelimit.RateLimitMetrics;
import dev.tenancy.ratelimit.RateLimiter;
import dev.tenancy.ratelimit.RedisRateLimitClient;

/**
 * Throttling of failed credential attempts: the limiter that counts them and the throttle
 * of wrong {@code X-Admin-Token} values, which the admin token authentication of
 * {@code TenancyHttpConfigurer} consults.
 * <p>
 * The limiter (bean {@value #LIMITER_BEAN}) counts in Redis when the rate limiter has a
 * Redis location, on the same connection under its own key prefix
 * ({@code <tenancy.rate-limit.key-prefix>:auth:}), so every instance shares the count;
 * while Redis is away, and when there is no Redis at all, it counts in this instance at
 * its share ({@code tenancy.rate-limit.expected-instances}). Applications throttle their
 * own credential checks (such as a token endpoint) with a {@link FailedAttemptThrottle}
 * on this bean.
 */
@AutoConfiguration(after = TenancyRateLimitAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = "io.github.bucket4j.Bucket")
@EnableConfigurationProperties({ TenancyAdminProperties.class, TenancyRateLimitProperties.class })
public final class TenancyFailedAttemptsAutoConfiguration {

	/** Name of the limiter that counts failed credential attempts. */
	public static final String LIMITER_BEAN = "tenancyFailedAttemptLimiter";

	/** Name of the throttle of wrong admin tokens. */
	public static final String ADMIN_THROTTLE_BEAN = "tenancyAdminTokenThrottle";

	/** The scope of admin-token buckets in keys. */
	public static final String ADMIN_SCOPE = "admin";

	/**
	 * How long a credential check may wait for the limiter before it does not throttle.
	 */
	static final Duration MAX_WAIT = Duration.ofSeconds(1);

	/**
	 * The limiter of failed credential attempts, in Redis when the rate limiter has one.
	 * Not a default candidate: injecting a {@code RateLimiter} by type never gets it,
	 * only asking for it by name.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "io.lettuce.core.RedisClient", "io.github.bucket4j.redis.lettuce.Bucket4jLettuce" })
	static class RedisLimiterConfiguration {

		@Bean(name = LIMITER_BEAN, defaultCandidate = false)
		@ConditionalOnMissingBean(name = LIMITER_BEAN)
		RateLimiter tenancyFailedAttemptLimiter(ObjectProvider<RedisRateLimitClient> redis,
				TenancyRateLimitProperties properties) {
			LocalRateLimiter local = new LocalRateLimiter(properties.expectedInstances());
			RedisRateLimitClient client = redis.getIfAvailable();
			if (client == null) {
				return local;
			}
			FallbackRateLimiter.Settings settings = new FallbackRateLimiter.Settings(properties.timeout(),
					properties.breaker().failureThreshold(), properties.breaker().probeDelay());
			// Never fail open or closed on the plans' failure modes: counting failures
			// locally is the
			// safe middle, and no metrics, so credential buckets never appear as tenants.
			return new FallbackRateLimiter(client.withKeyPrefix(properties.keyPrefixWithSeparator() + "auth:"), local,
					settings, FailureModePolicy.always(FailureMode.LOCAL), RateLimitMetrics.NONE);
		}

	}

	/**
	 * Without Lettuce (an application without Redis), failed attempts are counted in this
	 * instance.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("io.lettuce.core.RedisClient")
	static class LocalLimiterConfiguration {

		@Bean(name = LIMITER_BEAN, defaultCandidate = false)
		@ConditionalOnMissingBean(name = LIMITER_BEAN)
		RateLimiter tenancyFailedAttemptLimiter(TenancyRateLimitProperties properties) {
			return new LocalRateLimiter(properties.expectedInstances());
		}

	}

	@Bean(ADMIN_THROTTLE_BEAN)
	@ConditionalOnBooleanProperty(name = "tenancy.admin.failed-attempts.enabled", matchIfMissing = true)
	@ConditionalOnMissingBean(name = ADMIN_THROTTLE_BEAN)
	FailedAttemptThrottle tenancyAdminTokenThrottle(@Qualifier(LIMITER_BEAN) RateLimiter limiter,
			TenancyAdminProperties properties) {
		TenancyAdminProperties.FailedAttempts limits = properties.failedAttempts();
		return new FailedAttemptThrottle(limiter, ADMIN_SCOPE,
				new FailedAttemptThrottle.Settings(limits.perAddress(), limits.perToken(), limits.window(), MAX_WAIT));
	}

}
