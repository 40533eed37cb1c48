package dev.tenancy.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.TenantConfigJson;
import dev.tenancy.registry.TenantRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * {@code tenancy.tenants.<id>.*} is held to the rules of tenant files and the admin API:
 * a mistake stops start-up with a failure analysis naming the property and the expected
 * form (the same message the admin API gives for the same mistake), instead of a tenant
 * that quietly behaves differently (a burst below the limit advertised {@code q=5}, an
 * unknown key ignored).
 */
@ExtendWith(OutputCaptureExtension.class)
class TenantPropertiesValidationTest {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(TenancyAutoConfiguration.class, TenancyRegistryAutoConfiguration.class));

	@ParameterizedTest(name = "window={0}")
	@CsvSource({ "1m", "PT1M", "60s" })
	void durationsAreAcceptedInBothForms(String window) {
		this.runner.withPropertyValues("tenancy.tenants.acme.display-name=Acme Travel",
				"tenancy.tenants.acme.config.rate-limit.limit=100",
				"tenancy.tenants.acme.config.rate-limit.window=" + window,
				"tenancy.tenants.acme.config.rate-limit.per-user.limit=10",
				"tenancy.tenants.acme.config.rate-limit.per-user.window=" + window,
				"tenancy.tenants.acme.config.rate-limit.costs.helpdesk=5",
				"tenancy.tenants.acme.config.features=trips,helpdesk",
				"tenancy.tenants.acme.config.email-domains[0]=acme-travel.example",
				"tenancy.tenants.acme.config.locale=en-GB", "tenancy.tenants.acme.config.attributes.brandColour=#0a5")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Tenant acme = context.getBean(TenantRegistry.class).find(TenantId.of("acme")).orElseThrow();
				assertThat(acme.displayName()).isEqualTo("Acme Travel");
				assertThat(acme.config().rateLimit().window()).isEqualTo(Duration.ofMinutes(1));
				assertThat(acme.config().rateLimit().burst()).isEqualTo(100);
				assertThat(acme.config().rateLimit().perUser().window()).isEqualTo(Duration.ofMinutes(1));
				assertThat(acme.config().rateLimit().costs()).containsEntry("helpdesk", 5L);
				assertThat(acme.config().features()).containsExactly("trips", "helpdesk");
				assertThat(acme.config().emailDomains()).containsExactly("acme-travel.example");
				assertThat(acme.config().attributes()).containsEntry("brandColour", "#0a5");
			});
	}

	@Test
	void camelCaseKeysAsInYamlAreAcceptedToo() {
		this.runner
			.withPropertyValues("tenancy.tenants.acme.displayName=Acme Travel", "tenancy.tenants.acme.status=suspended",
					"tenancy.tenants.acme.config.rateLimit.limit=10", "tenancy.tenants.acme.config.rateLimit.window=1s",
					"tenancy.tenants.acme.config.emailDomains=acme.example")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Tenant acme = context.getBean(TenantRegistry.class).find(TenantId.of("acme")).orElseThrow();
				assertThat(acme.status()).isEqualTo(TenantStatus.SUSPENDED);
				assertThat(acme.config().rateLimit().window()).isEqualTo(Duration.ofSeconds(1));
				assertThat(acme.config().emailDomains()).containsExactly("acme.example");
			});
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					config.rate-limit.window=60      | tenancy.tenants.acme.config.rate-limit.window: must be a positive duration such as 1m or PT1M
					config.rate-limit.window=1 min   | tenancy.tenants.acme.config.rate-limit.window: must be a positive duration such as 1m or PT1M
					config.rate-limit.burst=5        | tenancy.tenants.acme.config.rate-limit.burst: must be a whole number not less than the limit
					config.rate-limit.limit=ten      | tenancy.tenants.acme.config.rate-limit.limit: must be a whole number of requests of at least 1
					config.rate-limit.costs.helpdesk=500 | tenancy.tenants.acme.config.rate-limit.costs.helpdesk: must be a whole number of tokens from 1 to the burst capacity
					config.locale=english            | tenancy.tenants.acme.config.locale: must be an IETF language tag such as en-GB
					config.email-domains=NOT_A_DOMAIN | tenancy.tenants.acme.config.email-domains[0]: must be a lower-case domain name such as acme-travel.example
					config.plann=gold                | tenancy.tenants.acme.config.plann: unknown key (expected plan, rate-limit, features, email-domains, locale, attributes)
					config.rate-limit.burts=20       | tenancy.tenants.acme.config.rate-limit.burts: unknown key (expected limit, window, burst, per-user, costs)
					dispaly-name=Acme                | tenancy.tenants.acme.dispaly-name: unknown key (expected display-name, status, config)
					status=gone                      | tenancy.tenants.acme.status: must be ACTIVE, SUSPENDED or DELETED
					""")
	void aMistakeStopsStartUpNamingThePropertyAndTheExpectedForm(String property, String message) {
		this.runner
			.withPropertyValues("tenancy.tenants.acme.config.rate-limit.limit=10",
					"tenancy.tenants.acme.config.rate-limit.window=1m", "tenancy.tenants.acme." + property)
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Invalid tenant definitions in tenancy.tenants")
					.contains("- " + message);
				assertThat(analysis.getAction()).contains("1m or PT1M");
			});
	}

	@Test
	void everyMistakeIsListedAtOnce() {
		this.runner
			.withPropertyValues("tenancy.tenants.acme.config.rate-limit.limit=10",
					"tenancy.tenants.acme.config.rate-limit.window=60", "tenancy.tenants.acme.config.locale=english",
					"tenancy.tenants.Not_An_Id.display-name=X")
			.run((context) -> {
				String description = analyze(context.getStartupFailure()).getDescription();
				assertThat(description)
					.contains(
							"tenancy.tenants.acme.config.rate-limit.window: must be " + TenantConfigJson.DURATION_FORM)
					.contains("tenancy.tenants.acme.config.locale: must be an IETF language tag such as en-GB")
					.contains("tenancy.tenants.Not_An_Id: the tenant id must be a DNS label");
			});
	}

	@Test
	void springBootReportsTheMistakeRatherThanABindingFailure(CapturedOutput output) {
		SpringApplicationBuilder application = new SpringApplicationBuilder(PropertiesOnly.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "tenancy.tenants.acme.config.rate-limit.limit=10",
					"tenancy.tenants.acme.config.rate-limit.window=60");
		assertThatException().isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid tenant definitions in tenancy.tenants:")
			.contains("- tenancy.tenants.acme.config.rate-limit.window: must be a positive duration such as 1m or PT1M")
			.contains("Durations are written as 1m or PT1M")
			.doesNotContain("Failed to bind properties");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(TenancyProperties.class)
	static class PropertiesOnly {

	}

	private static FailureAnalysis analyze(Throwable failure) {
		FailureAnalysis analysis = new TenancyConfigurationFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("a TenancyConfigurationException in %s", failure).isNotNull();
		return analysis;
	}

}
