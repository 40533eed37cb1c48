package dev.tenancy.autoconfigure;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import dev.tenancy.ratelimit.LocalRateLimiter;
import dev.tenancy.ratelimit.RedisRateLimitClient;
import dev.tenancy.test.FakeTenantApi;
import dev.tenancy.test.TestServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis, bucket4j's Lettuce support and actuator are optional dependencies of the
 * starter: an application without them starts, without the features that need them, and
 * the health contributors follow Spring Boot's {@code management.health.*.enabled}
 * switches.
 */
class TenancyOptionalDependenciesTest {

	private static final String PREFIX = "tenancy-test:" + UUID.randomUUID().toString().substring(0, 8) + ":opt";

	private static final FilteredClassLoader WITHOUT_REDIS = new FilteredClassLoader("io.lettuce.",
			"io.github.bucket4j.redis.", "org.springframework.data.redis.", "org.springframework.boot.data.redis.");

	private static final FilteredClassLoader WITHOUT_ACTUATOR = new FilteredClassLoader(
			"org.springframework.boot.health.", "org.springframework.boot.actuate.");

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TenancyAutoConfiguration.class, TenancyRegistryAutoConfiguration.class,
				TenancyRateLimitAutoConfiguration.class, TenancyFailedAttemptsAutoConfiguration.class,
				TenancyContextPropagationAutoConfiguration.class, TenancyHealthContributorAutoConfiguration.class))
		.withPropertyValues("tenancy.tenants.acme.display-name=Acme Travel", "tenancy.rate-limit.key-prefix=" + PREFIX);

	@Test
	void withoutRedisClassesTheContextStartsWithoutTheLimiter() {
		// a Redis location is even set: without the classes it cannot be used
		this.runner.withClassLoader(WITHOUT_REDIS)
			.withPropertyValues("tenancy.rate-limit.redis.url=" + TestServices.redisUrl())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasBean("tenantIsolationFilter");
				assertThat(context).doesNotHaveBean("tenancyRateLimitFilter");
				assertThat(context).doesNotHaveBean("redisRateLimitClient");
				assertThat(context).doesNotHaveBean("tenancyRateLimiterHealthIndicator");
				// wrong admin tokens are still throttled, in this instance
				assertThat(context.getBean(TenancyFailedAttemptsAutoConfiguration.LIMITER_BEAN))
					.isInstanceOf(LocalRateLimiter.class);
			});
	}

	@Test
	void withoutActuatorClassesThereAreNoHealthBeans() {
		this.runner.withPropertyValues("tenancy.rate-limit.redis.url=" + TestServices.redisUrl()).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasBean("tenancyRateLimiterHealthIndicator");
		});
		this.runner.withClassLoader(WITHOUT_ACTUATOR)
			.withPropertyValues("tenancy.rate-limit.redis.url=" + TestServices.redisUrl())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(RedisRateLimitClient.class);
				assertThat(context).doesNotHaveBean("tenancyRateLimiterHealthIndicator");
				assertThat(context).doesNotHaveBean("tenancyRegistryHealthIndicator");
			});
	}

	@Test
	void healthContributorsFollowTheirEnabledSwitches() {
		try (FakeTenantApi api = new FakeTenantApi()) {
			WebApplicationContextRunner both = this.runner.withPropertyValues(
					"tenancy.rate-limit.redis.url=" + TestServices.redisUrl(), "tenancy.registry.source=config-server",
					"tenancy.registry.config-server.url=" + api.url(),
					"tenancy.registry.config-server.username=" + FakeTenantApi.USERNAME,
					"tenancy.registry.config-server.password=" + FakeTenantApi.PASSWORD);
			both.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasBean("tenancyRateLimiterHealthIndicator")
					.hasBean("tenancyRegistryHealthIndicator");
			});
			both.withPropertyValues("management.health.tenancy-rate-limiter.enabled=false").run((context) -> {
				assertThat(context).doesNotHaveBean("tenancyRateLimiterHealthIndicator");
				assertThat(context).hasBean("tenancyRegistryHealthIndicator");
			});
			both.withPropertyValues("management.health.tenancy-registry.enabled=false").run((context) -> {
				assertThat(context).hasBean("tenancyRateLimiterHealthIndicator");
				assertThat(context).doesNotHaveBean("tenancyRegistryHealthIndicator");
			});
			both.withPropertyValues("management.health.defaults.enabled=false").run((context) -> {
				assertThat(context).doesNotHaveBean("tenancyRateLimiterHealthIndicator");
				assertThat(context).doesNotHaveBean("tenancyRegistryHealthIndicator");
			});
		}
	}

}
