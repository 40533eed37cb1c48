package dev.tenancy.autoconfigure;

import jakarta.servlet.DispatcherType;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
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
import dev.tenancy.ratelimit.FailedAttemptThrottle;
import dev.tenancy.registry.TenantAdministration;
import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.web.AdminGuardFilter;

/**
 * The admin guard in front of every admin path, and the opt-in tenant admin API behind it.
 */
@AutoConfiguration(after = { TenancyAutoConfiguration.class, TenancyRegistryAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(TenancyAdminProperties.class)
public final class TenancyAdminAutoConfiguration {

	/** Order of the admin guard filter: right after Spring Security's filter chain. */
	public static final int ADMIN_FILTER_ORDER = TenancyAutoConfiguration.TENANT_FILTER_ORDER - 1;

	@Bean
	@ConditionalOnMissingBean
	AdminGuard adminGuard(TenancyAdminProperties properties) {
		return new AdminGuard(properties.token(), properties.scope());
	}

	@Bean
	@ConditionalOnMissingBean(name = "adminGuardFilter")
	FilterRegistrationBean<AdminGuardFilter> adminGuardFilter(AdminGuard guard, TenancyAdminProperties properties,
			@Qualifier(TenancyFailedAttemptsAutoConfiguration.ADMIN_THROTTLE_BEAN) ObjectProvider<FailedAttemptThrottle> throttle) {
		FilterRegistrationBean<AdminGuardFilter> registration = new FilterRegistrationBean<>(
				new AdminGuardFilter(guard, properties.guardedPaths(), throttle.getIfAvailable()));
		registration.setOrder(ADMIN_FILTER_ORDER);
		registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
		return registration;
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "tenancy.admin.api.enabled")
	@ConditionalOnBean(TenantRegistry.class)
	@ConditionalOnMissingBean
	TenantAdminController tenantAdminController(TenantRegistry registry,
			ObjectProvider<TenantAdministration> administration) {
		return new TenantAdminController(registry, administration.getIfAvailable());
	}

}
