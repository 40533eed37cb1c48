package dev.tenancy.configserver.tenants;

import javax.sql.DataSource;

import dev.tenancy.autoconfigure.TenancyRegistryProperties;
import dev.tenancy.registry.TenantRegistry;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The tenant API over the registry that the starter sets up with {@code tenancy.registry.source=jdbc}
 * (migrated at start-up, cached, invalidated through {@code LISTEN/NOTIFY}).
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
            DataSource dataSource, TenancyRegistryProperties registryProperties) {
        if (registryProperties.source() != TenancyRegistryProperties.Source.JDBC) {
            throw new IllegalStateException("The config server serves tenants from the PostgreSQL registry: "
                    + "set tenancy.registry.source=jdbc and spring.datasource.url");
        }
        return new TenantApiController(registry, effective, JdbcClient.create(dataSource),
                registryProperties.jdbc().schema());
    }
}
