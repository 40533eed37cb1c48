package dev.tenancy.configserver.health;

import java.time.Duration;

import dev.tenancy.configserver.ConfigServerProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.cloud.config.server.environment.EnvironmentController;

/** Health of the served configuration: see {@link DecryptionHealthIndicator}. */
@Configuration(proxyBeanMethods = false)
public class HealthConfiguration {

	@Bean
	DecryptionHealthIndicator decryptionHealthIndicator(EnvironmentController environments,
			ConfigServerProperties properties) {
		return new DecryptionHealthIndicator(environments, properties.clients().keySet(), Duration.ofSeconds(10));
	}

}
