package dev.tenancy.autoconfigure;

import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.DispatcherType;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.resolve.CompositeTenantResolver;
import dev.tenancy.resolve.HeaderTenantResolver;
import dev.tenancy.resolve.HostTenantResolver;
import dev.tenancy.resolve.JwtClaimTenantResolver;
import dev.tenancy.resolve.PathTenantResolver;
import dev.tenancy.resolve.TenantResolver;
import dev.tenancy.web.ObservationTenantRequestListener;
import dev.tenancy.web.TenantIsolationFilter;
import dev.tenancy.web.TenantRequestListener;
import dev.tenancy.web.TenantRequestMetrics;

/**
 * Tenant isolation for servlet applications: the resolvers, the composite policy and the
 * isolation filter; the registry is {@link TenancyRegistryAutoConfiguration}'s. The
 * generic internal-error answer is part of {@link TenancyErrorsAutoConfiguration}, so it
 * stays when tenant isolation is off.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "tenancy.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ TenancyProperties.class, TenancyAdminProperties.class })
public final class TenancyAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CompositeTenantResolver compositeTenantResolver(ObjectProvider<TenantResolver> resolvers,
			TenancyProperties properties) {
		return new CompositeTenantResolver(resolvers.orderedStream().toList(), properties.resolution().requireGrant());
	}

	@Bean
	@ConditionalOnMissingBean(name = "tenantIsolationFilter")
	FilterRegistrationBean<TenantIsolationFilter> tenantIsolationFilter(CompositeTenantResolver resolver,
			TenantRegistry registry, TenancyProperties properties, TenancyAdminProperties adminProperties,
			ObjectProvider<TenantRequestListener> listeners, ObjectProvider<ObservationRegistry> observations,
			ObjectProvider<TenantRequestMetrics> metrics) {
		// Admin paths never need a tenant: the exemptions read the same list as the admin
		// rule.
		TenantIsolationFilter filter = new TenantIsolationFilter(resolver, registry,
				properties.resolution().allExemptPaths(adminProperties.guardedPaths()),
				listeners.orderedStream().toList());
		filter.setObservationRegistry(observations.getIfUnique(() -> ObservationRegistry.NOOP));
		filter.setMetrics(metrics.getIfAvailable(() -> TenantRequestMetrics.NONE));
		FilterRegistrationBean<TenantIsolationFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setOrder(TenancyFilterOrders.TENANT_ISOLATION);
		registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
		return registration;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.common.KeyValue")
	static class ObservationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ObservationTenantRequestListener observationTenantRequestListener() {
			return new ObservationTenantRequestListener();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ResolverConfiguration {

		@Bean
		@Order(100)
		@ConditionalOnClass(name = "org.springframework.security.oauth2.core.ClaimAccessor")
		@ConditionalOnBooleanProperty(name = "tenancy.resolution.jwt.enabled", matchIfMissing = true)
		@ConditionalOnMissingBean
		JwtClaimTenantResolver jwtClaimTenantResolver(TenancyProperties properties) {
			TenancyProperties.Jwt jwt = properties.resolution().jwt();
			return new JwtClaimTenantResolver(jwt.claim(), jwt.listClaim());
		}

		@Bean
		@Order(200)
		@ConditionalOnBooleanProperty(name = "tenancy.resolution.header.enabled", matchIfMissing = true)
		@ConditionalOnMissingBean
		HeaderTenantResolver headerTenantResolver(TenancyProperties properties) {
			return new HeaderTenantResolver(properties.resolution().header().names());
		}

		@Bean
		@Order(300)
		@ConditionalOnBooleanProperty(name = "tenancy.resolution.host.enabled")
		@ConditionalOnMissingBean
		HostTenantResolver hostTenantResolver(TenancyProperties properties) {
			String baseDomain = properties.resolution().host().baseDomain();
			if (baseDomain == null || baseDomain.isBlank()) {
				throw new IllegalStateException(
						"tenancy.resolution.host.enabled is true but tenancy.resolution.host.base-domain is not set");
			}
			return new HostTenantResolver(baseDomain);
		}

		@Bean
		@Order(400)
		@ConditionalOnBooleanProperty(name = "tenancy.resolution.path.enabled")
		@ConditionalOnMissingBean
		PathTenantResolver pathTenantResolver(TenancyProperties properties) {
			return new PathTenantResolver(properties.resolution().path().prefix());
		}

	}

}
