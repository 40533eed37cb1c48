package dev.tenancy.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import dev.tenancy.ratelimit.FailureMode;
import dev.tenancy.test.TestServices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * {@code tenancy.rate-limit.*} is no silent no-op: it is bound whether or not a limiter
 * is set up (a wrong failure mode stops start-up listing the valid ones), and asking for
 * rate limiting explicitly without what it needs stops start-up saying what to add.
 */
@ExtendWith(OutputCaptureExtension.class)
class TenancyRateLimitPropertiesTest {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TenancyAutoConfiguration.class, TenancyRegistryAutoConfiguration.class,
				TenancyRateLimitPropertiesAutoConfiguration.class, TenancyRateLimitAutoConfiguration.class));

	@Test
	void anUnknownFailureModeStopsStartUpListingTheValidOnesEvenWithoutRedis(CapturedOutput output) {
		SpringApplicationBuilder application = new SpringApplicationBuilder(NonWebApp.class)
			.web(WebApplicationType.NONE)
			.properties("tenancy.rate-limit.failure-mode=sometimes", "spring.main.banner-mode=off");
		assertThatException().isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("tenancy.rate-limit.failure-mode")
			.contains("sometimes");
		for (FailureMode mode : FailureMode.values()) {
			assertThat(output).contains(mode.name());
		}
	}

	@Test
	void propertiesAreBoundWithoutALimiter() {
		this.runner.withPropertyValues("tenancy.rate-limit.failure-mode=closed").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(TenancyRateLimitAutoConfiguration.RATE_LIMITER_BEAN);
			assertThat(context.getBean(TenancyRateLimitProperties.class).failureMode()).isEqualTo(FailureMode.CLOSED);
		});
	}

	@Test
	void explicitlyEnabledWithoutARedisLocationStopsStartUp() {
		this.runner.withPropertyValues("tenancy.rate-limit.enabled=true").run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription())
				.isEqualTo("tenancy.rate-limit.enabled is true, but no Redis location is configured, so no "
						+ "request would be limited.");
			assertThat(analysis.getAction()).contains("spring.data.redis.url", "tenancy.rate-limit.redis.url",
					"tenancy.rate-limit.enabled=false");
		});
	}

	@Test
	void explicitlyEnabledWithoutBucket4jStopsStartUpNamingTheDependency() {
		this.runner.withClassLoader(new FilteredClassLoader("io.github.bucket4j.redis.lettuce"))
			.withPropertyValues("tenancy.rate-limit.enabled=true",
					"tenancy.rate-limit.redis.url=" + TestServices.redisUrl())
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("io.github.bucket4j.redis.lettuce.Bucket4jLettuce")
					.doesNotContain("io.lettuce.core.RedisClient");
				assertThat(analysis.getAction()).contains("com.bucket4j:bucket4j_jdk17-lettuce",
						"tenancy.rate-limit.enabled=false");
			});
	}

	@Test
	void explicitlyEnabledWithRedisStarts() {
		this.runner
			.withPropertyValues("tenancy.rate-limit.enabled=true",
					"tenancy.rate-limit.redis.url=" + TestServices.redisUrl())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasBean(TenancyRateLimitAutoConfiguration.RATE_LIMITER_BEAN);
			});
	}

	@Test
	void unsetWithoutRedisStartsWithoutALimiter() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(TenancyRateLimitAutoConfiguration.RATE_LIMITER_BEAN);
		});
	}

	private static FailureAnalysis analyze(Throwable failure) {
		assertThat(failure).as("start-up failure").isNotNull();
		FailureAnalysis analysis = new TenancyConfigurationFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("a TenancyConfigurationException in %s", failure).isNotNull();
		return analysis;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(TenancyRateLimitPropertiesAutoConfiguration.class)
	static class NonWebApp {

	}

}
