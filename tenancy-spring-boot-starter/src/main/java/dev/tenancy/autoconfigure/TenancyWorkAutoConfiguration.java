package dev.tenancy.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.tenancy.context.TenantWork;
import dev.tenancy.registry.TenantRegistry;

/**
 * {@link TenantWork}: runs scheduled jobs, batches and other work that is not a request
 * for a tenant checked in the registry, as a request would.
 */
@AutoConfiguration(after = TenancyRegistryAutoConfiguration.class)
@ConditionalOnBean(TenantRegistry.class)
public final class TenancyWorkAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TenantWork tenantWork(TenantRegistry registry) {
		return new TenantWork(registry);
	}

}
