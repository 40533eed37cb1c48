package dev.tenancy.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.bus.event.RemoteApplicationEvent;
import org.springframework.cloud.bus.jackson.RemoteApplicationEventScan;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import dev.tenancy.registry.CachingTenantRegistry;
import dev.tenancy.registry.bus.BusConsumerState;
import dev.tenancy.registry.bus.TenantChangePush;
import dev.tenancy.registry.bus.TenantChangePushMetrics;
import dev.tenancy.registry.bus.TenantChangedRemoteEvent;
import dev.tenancy.registry.remote.ConfigServerChangeFollower;

/**
 * Tenant changes pushed by the config server over Spring Cloud Bus, for the config-server
 * registry source: on only with Spring Cloud Bus and Spring AMQP on the class path
 * ({@code spring-cloud-starter-bus-amqp}), {@code spring.cloud.bus.enabled} and
 * {@code tenancy.registry.config-server.bus.enabled} not false. Each
 * {@link TenantChangedRemoteEvent} invalidates its tenant at once; the changes feed is
 * polled every {@code safety-poll-interval} while the bus consumer is subscribed, every
 * {@code poll-interval} while it is not, and at once after each (re)subscription and gap
 * ({@link TenantChangePush}). Without Bus nothing changes: the feed is polled every
 * {@code poll-interval}.
 */
@AutoConfiguration(after = TenancyRegistryAutoConfiguration.class,
		beforeName = "org.springframework.cloud.bus.jackson.BusJacksonAutoConfiguration")
@ConditionalOnClass({ RemoteApplicationEvent.class, AbstractMessageListenerContainer.class })
@ConditionalOnRegistrySource(TenancyRegistryProperties.Source.CONFIG_SERVER)
@ConditionalOnBooleanProperty(name = "spring.cloud.bus.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "tenancy.registry.config-server.bus.enabled", matchIfMissing = true)
@ConditionalOnBean({ ConfigServerChangeFollower.class, CachingTenantRegistry.class })
@RemoteApplicationEventScan(basePackageClasses = TenantChangedRemoteEvent.class)
public final class TenancyRegistryBusAutoConfiguration {

	/** Spring Cloud Bus's default destination (exchange). */
	static final String DEFAULT_BUS_DESTINATION = "springCloudBus";

	@Bean
	@ConditionalOnMissingBean
	TenantChangePush tenantChangePush(ConfigServerChangeFollower follower, CachingTenantRegistry cache,
			TenancyRegistryProperties properties) {
		TenancyRegistryProperties.ConfigServer server = properties.configServer();
		return new TenantChangePush(follower, cache::markStale, server.pollInterval(),
				server.bus().safetyPollInterval());
	}

	@Bean
	ApplicationListener<TenantChangedRemoteEvent> tenantChangedRemoteEventListener(TenantChangePush push) {
		return (event) -> push.received(event.getTenant(), event.getVersion(), event.getCursor(),
				event.getPublishedAt());
	}

	@Bean
	BusConsumerState tenancyBusConsumerState(TenantChangePush push, Environment environment) {
		return new BusConsumerState(push,
				environment.getProperty("spring.cloud.bus.destination", DEFAULT_BUS_DESTINATION));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		TenantChangePushMetrics tenantChangePushMetrics(TenantChangePush push) {
			return new TenantChangePushMetrics(push);
		}

	}

}
