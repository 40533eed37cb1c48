package dev.tenancy.autoconfigure;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.tenancy.ratelimit.FailedAttemptThrottle;
import dev.tenancy.ratelimit.FallbackRateLimiter;
import dev.tenancy.ratelimit.LocalRateLimiter;
import dev.tenancy.ratelimit.RateLimiter;
import dev.tenancy.test.TestServices;
import dev.tenancy.web.RequestBodyLimitFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The body size limit and the failed-attempt throttle as auto-configured: on by default,
 * counted in Redis when the limiter has one and locally otherwise, off by property,
 * invalid values refused at start-up, never what a {@code RateLimiter} injected by type
 * gets.
 */
class TenancyRequestLimitsAutoConfigurationTest {

	private static final String PREFIX = "tenancy-test:" + UUID.randomUUID().toString().substring(0, 8) + ":rl";

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TenancyAutoConfiguration.class, TenancyRegistryAutoConfiguration.class,
				TenancyRateLimitAutoConfiguration.class, TenancyAdminAutoConfiguration.class,
				TenancyFailedAttemptsAutoConfiguration.class, TenancyWebLimitsAutoConfiguration.class))
		.withPropertyValues("tenancy.rate-limit.key-prefix=" + PREFIX);

	@Test
	void bodyLimitIsOneMegabyteByDefaultAndConfigurable() {
		this.runner.run((context) -> assertThat(bodyLimit(context).maxBytes()).isEqualTo(1024 * 1024));
		this.runner.withPropertyValues("tenancy.web.max-request-body-size=64KB")
			.run((context) -> assertThat(bodyLimit(context).maxBytes()).isEqualTo(64 * 1024));
	}

	@Test
	void nonPositiveBodyLimitIsRefusedAtStartup() {
		this.runner.withPropertyValues("tenancy.web.max-request-body-size=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("tenancy.web.max-request-body-size");
		});
	}

	@Test
	void withoutRedisFailuresAreCountedLocally() {
		this.runner.run((context) -> {
			assertThat(context.getBean(TenancyFailedAttemptsAutoConfiguration.LIMITER_BEAN))
				.isInstanceOf(LocalRateLimiter.class);
			assertThat(context).hasBean(TenancyFailedAttemptsAutoConfiguration.ADMIN_THROTTLE_BEAN);
		});
	}

	@Test
	void withRedisFailuresAreCountedInRedisWithALocalFallback() {
		this.runner.withPropertyValues("tenancy.rate-limit.redis.url=" + TestServices.redisUrl())
			.run((context) -> assertThat(context.getBean(TenancyFailedAttemptsAutoConfiguration.LIMITER_BEAN))
				.isInstanceOf(FallbackRateLimiter.class)
				.isNotSameAs(context.getBean(TenancyRateLimitAutoConfiguration.RATE_LIMITER_BEAN)));
	}

	@Test
	void aRateLimiterInjectedByTypeIsNeverTheFailedAttemptLimiter() {
		this.runner.withUserConfiguration(NeedsALimiter.class).run((context) -> {
			assertThat(context).hasFailed();
		});
		this.runner.withPropertyValues("tenancy.rate-limit.redis.url=" + TestServices.redisUrl())
			.withUserConfiguration(NeedsALimiter.class)
			.run((context) -> assertThat(context.getBean("needsALimiter", NeedsALimiter.class).limiter)
				.isSameAs(context.getBean(TenancyRateLimitAutoConfiguration.RATE_LIMITER_BEAN)));
	}

	@Test
	void adminThrottleCanBeSwitchedOffAndRefusesInvalidLimits() {
		this.runner.withPropertyValues("tenancy.admin.failed-attempts.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FailedAttemptThrottle.class));
		this.runner.withPropertyValues("tenancy.admin.failed-attempts.per-address=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("tenancy.admin.failed-attempts");
		});
	}

	@SuppressWarnings("unchecked")
	private static RequestBodyLimitFilter bodyLimit(org.springframework.context.ApplicationContext context) {
		return ((FilterRegistrationBean<RequestBodyLimitFilter>) context.getBean("tenancyRequestBodyLimitFilter"))
			.getFilter();
	}

	@Configuration(proxyBeanMethods = false)
	static class NeedsALimiter {

		RateLimiter limiter;

		@Bean
		NeedsALimiter needsALimiter(RateLimiter limiter) {
			NeedsALimiter bean = new NeedsALimiter();
			bean.limiter = limiter;
			return bean;
		}

	}

}
