package dev.tenancy.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's chain behaves like Spring Boot's default chain: it exists only when the
 * application declares none (and then Boot's own default chain backs off), and an
 * application chain, with or without the Tenancy configurer, starts on its own.
 */
class TenancySecurityBackOffTest {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TenancyAutoConfiguration.class, TenancyRegistryAutoConfiguration.class,
				TenancyErrorsAutoConfiguration.class, TenancyAdminAutoConfiguration.class,
				TenancySecurityAutoConfiguration.class, SecurityAutoConfiguration.class,
				ServletWebSecurityAutoConfiguration.class, ManagementWebSecurityAutoConfiguration.class,
				OAuth2ResourceServerAutoConfiguration.class, TaskExecutionAutoConfiguration.class));

	@Test
	void withoutAnApplicationChainTheStartersIsTheOnlyOne() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeansOfType(SecurityFilterChain.class))
				.containsOnlyKeys("tenancySecurityFilterChain");
		});
	}

	@Test
	void anApplicationChainReplacesTheStartersWithoutTheConfigurer() {
		this.runner.withUserConfiguration(PlainChain.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeansOfType(SecurityFilterChain.class)).containsOnlyKeys("appChain");
		});
	}

	@Test
	void anApplicationChainReplacesTheStartersWithTheConfigurer() {
		this.runner.withUserConfiguration(ChainWithTenancy.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeansOfType(SecurityFilterChain.class)).containsOnlyKeys("appChain");
			assertThat(context.getBean("appChain", SecurityFilterChain.class).getFilters())
				.extracting((filter) -> filter.getClass().getSimpleName())
				.contains("AccessDeniedProblemFilter", "AuthorizationFilter");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class PlainChain {

		@Bean
		SecurityFilterChain appChain(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.httpBasic(Customizer.withDefaults())
				.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ChainWithTenancy {

		@Bean
		SecurityFilterChain appChain(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.with(dev.tenancy.autoconfigure.TenancyHttpConfigurer.tenancy(), Customizer.withDefaults())
				.build();
		}

	}

}
