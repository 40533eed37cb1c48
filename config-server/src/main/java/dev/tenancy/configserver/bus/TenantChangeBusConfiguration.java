package dev.tenancy.configserver.bus;

import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.cloud.bus.BusProperties;
import org.springframework.cloud.bus.jackson.RemoteApplicationEventScan;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.tenancy.registry.CachingTenantRegistry;
import dev.tenancy.registry.TenantAdministration;
import dev.tenancy.registry.bus.TenantChangedRemoteEvent;
import dev.tenancy.registry.jdbc.PostgresChangeListener;

/**
 * Tenant change events on Spring Cloud Bus ({@code spring.cloud.bus.enabled}, on by
 * default): a {@link TenantChangePublisher} woken by the registry's own
 * {@code LISTEN/NOTIFY} channel, on a connection of its own (the starter's listener keeps
 * invalidating the server's cache).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "spring.cloud.bus.enabled", matchIfMissing = true)
@RemoteApplicationEventScan(basePackageClasses = TenantChangedRemoteEvent.class)
public class TenantChangeBusConfiguration {

	/**
	 * Longest time between two reads of the feed when no notification arrives (a lost
	 * notification is published at most this late).
	 */
	static final Duration SAFETY_INTERVAL = Duration.ofSeconds(1);

	@Bean(destroyMethod = "close")
	TenantChangePublisher tenantChangePublisher(ObjectProvider<TenantAdministration> administration,
			ApplicationEventPublisher events, BusProperties bus, JdbcConnectionDetails database,
			ObjectProvider<CachingTenantRegistry> cache) {
		CachingTenantRegistry tenants = cache.getIfUnique();
		return new TenantChangePublisher(administration.getObject(), events, bus::getId, SAFETY_INTERVAL,
				(wake) -> new PostgresChangeListener(PostgresChangeListener.ConnectionFactory
					.forUrl(database.getJdbcUrl(), database.getUsername(), database.getPassword()),
						(tenant) -> wake.run(), wake),
				(tenants != null) ? tenants::invalidate : (tenant) -> {
				});
	}

	/** Publishing starts once the bus's output binding exists. */
	@Bean
	ApplicationListener<ApplicationReadyEvent> tenantChangePublisherStarter(TenantChangePublisher publisher) {
		return (event) -> publisher.start();
	}

}
