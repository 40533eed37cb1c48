package dev.tenancy.configserver.tenants;

import dev.tenancy.autoconfigure.TenancyRegistryProperties;
import dev.tenancy.registry.TenantAdministration;
import dev.tenancy.registry.TenantRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The tenant API over the registry that the starter sets up with
 * {@code tenancy.registry.source=jdbc} (migrated at start-up, cached, invalidated through
 * {@code LISTEN/NOTIFY}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TenantApiProperties.class)
public class TenantApiConfiguration {

	@Bean
	EffectiveTenantConfig effectiveTenantConfig(TenantApiProperties properties) {
		return new EffectiveTenantConfig(properties);
	}

	@Bean
	TenantApiController tenantApiController(TenantRegistry registry, EffectiveTenantConfig effective,
			ObjectProvider<TenantAdministration> administration, TenancyRegistryProperties registryProperties) {
		if (registryProperties.source() != TenancyRegistryProperties.Source.JDBC) {
			throw new IllegalStateException("The config server serves tenants from the PostgreSQL registry: "
					+ "set tenancy.registry.source=jdbc and spring.datasource.url");
		}
		return new TenantApiController(registry, effective, administration.getObject());
	}

}
