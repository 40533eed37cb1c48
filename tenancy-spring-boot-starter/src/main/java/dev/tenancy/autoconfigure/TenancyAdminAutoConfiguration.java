package dev.tenancy.autoconfigure;

import jakarta.servlet.DispatcherType;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

import dev.tenancy.admin.AdminGuard;
import dev.tenancy.admin.TenantAdminController;
import dev.tenancy.registry.TenantAdministration;
import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.registry.TenantSecretAdministration;
import dev.tenancy.web.AdminGuardFilter;

/**
 * What makes a caller an administrator ({@link AdminGuard}), the safety net behind Spring
 * Security on the admin paths, and the opt-in tenant admin API. Admin access itself is
 * decided inside the security filter chain, by {@code TenancyHttpConfigurer}.
 */
@AutoConfiguration(after = { TenancyAutoConfiguration.class, TenancyRegistryAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(TenancyAdminProperties.class)
public final class TenancyAdminAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	AdminGuard adminGuard(TenancyAdminProperties properties) {
		return new AdminGuard(properties.token(), properties.scope());
	}

	@Bean
	@ConditionalOnMissingBean(name = "adminGuardFilter")
	FilterRegistrationBean<AdminGuardFilter> adminGuardFilter(TenancyAdminProperties properties) {
		FilterRegistrationBean<AdminGuardFilter> registration = new FilterRegistrationBean<>(
				new AdminGuardFilter(properties.guardedPaths()));
		registration.setOrder(TenancyFilterOrders.ADMIN_GUARD);
		registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
		return registration;
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "tenancy.admin.api.enabled")
	@ConditionalOnBean(TenantRegistry.class)
	@ConditionalOnMissingBean
	TenantAdminController tenantAdminController(TenantRegistry registry,
			ObjectProvider<TenantAdministration> administration, ObjectProvider<TenantSecretAdministration> secrets) {
		return new TenantAdminController(registry, administration.getIfAvailable(), secrets.getIfUnique());
	}

}
