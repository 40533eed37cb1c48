package dev.tenancy.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.tenancy.TenantTags;
import dev.tenancy.registry.CachingTenantRegistry;
import dev.tenancy.registry.CachingTenantRegistryMetrics;
import dev.tenancy.registry.jdbc.PostgresChangeListener;
import dev.tenancy.registry.jdbc.PostgresChangeListenerMetrics;
import dev.tenancy.registry.remote.ConfigServerChangeFollower;
import dev.tenancy.registry.remote.ConfigServerChangeFollowerMetrics;
import dev.tenancy.web.MicrometerTenantRequestMetrics;
import dev.tenancy.web.TenantRequestMetrics;

/**
 * Tenancy's meters, when Micrometer is on the class path: {@code tenancy.requests} (per
 * tenant, bounded, and outcome) from the tenant isolation filter, and the tenant cache's
 * {@code cache.*} meters, the change listener's state. The limiter's meters come with the
 * limiter ({@link TenancyRateLimitAutoConfiguration}).
 */
@AutoConfiguration(before = TenancyAutoConfiguration.class, after = TenancyRegistryAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@EnableConfigurationProperties(TenancyMetricsProperties.class)
public final class TenancyMetricsAutoConfiguration {

	/**
	 * Which tenants hold their own tenant_id tag value: one ranking for the app, so the
	 * same tenants are tagged on every tenant meter that uses it.
	 * @param properties the metrics properties
	 * @return the tenant tags
	 */
	@Bean
	@ConditionalOnMissingBean
	TenantTags tenancyTenantTags(TenancyMetricsProperties properties) {
		return new TenantTags(properties.maxTenantTags(), properties.tenantTagsWindow(), System::nanoTime);
	}

	@Bean
	@ConditionalOnMissingBean
	TenantRequestMetrics tenantRequestMetrics(ObjectProvider<MeterRegistry> registry, TenantTags tenantTags) {
		MeterRegistry meters = registry.getIfUnique();
		return (meters != null) ? new MicrometerTenantRequestMetrics(meters, tenantTags) : TenantRequestMetrics.NONE;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(CachingTenantRegistry.class)
	static class RegistryCacheMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		CachingTenantRegistryMetrics cachingTenantRegistryMetrics(CachingTenantRegistry registry) {
			return new CachingTenantRegistryMetrics(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(PostgresChangeListener.class)
	static class ChangeListenerMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PostgresChangeListenerMetrics postgresChangeListenerMetrics(PostgresChangeListener listener) {
			return new PostgresChangeListenerMetrics(listener);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(ConfigServerChangeFollower.class)
	static class ChangeFollowerMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ConfigServerChangeFollowerMetrics configServerChangeFollowerMetrics(ConfigServerChangeFollower follower) {
			return new ConfigServerChangeFollowerMetrics(follower);
		}

	}

}
