package dev.tenancy.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.bus.event.PathDestinationFactory;
import org.springframework.cloud.bus.event.RemoteApplicationEvent;
import org.springframework.cloud.bus.jackson.BusJacksonAutoConfiguration;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.messaging.converter.AbstractMessageConverter;

import dev.tenancy.TenantId;
import dev.tenancy.registry.CachingTenantRegistry;
import dev.tenancy.registry.bus.TenantChangePush;
import dev.tenancy.registry.bus.TenantChangedRemoteEvent;
import dev.tenancy.registry.remote.ConfigServerChangeFollower;
import dev.tenancy.test.FakeTenantApi;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pushed tenant changes for the config-server registry source: on only with Spring Cloud
 * Bus, the event read by the bus's own converter, applied to the cache, shown in health.
 */
class TenancyRegistryBusAutoConfigurationTest {

	private final FakeTenantApi api = new FakeTenantApi();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TenancyRegistryAutoConfiguration.class,
				TenancyRegistryBusAutoConfiguration.class, TenancyHealthContributorAutoConfiguration.class,
				org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration.class,
				BusJacksonAutoConfiguration.class))
		.withPropertyValues("tenancy.registry.source=config-server",
				"tenancy.registry.config-server.url=" + this.api.url(),
				"tenancy.registry.config-server.username=" + FakeTenantApi.USERNAME,
				"tenancy.registry.config-server.password=" + FakeTenantApi.PASSWORD,
				"tenancy.registry.config-server.poll-interval=100ms",
				"tenancy.registry.config-server.bus.safety-poll-interval=45s");

	@AfterEach
	void stop() {
		this.api.close();
	}

	@Test
	void theBusConverterReadsWhatTheConfigServerWrites() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			AbstractMessageConverter converter = context.getBean("busJsonConverter", AbstractMessageConverter.class);
			// Written as Spring Cloud Stream writes it: the application's JSON mapper
			byte[] json = context.getBean(JsonMapper.class)
				.writeValueAsBytes(new TenantChangedRemoteEvent(this, "config-server:8888:abc",
						new PathDestinationFactory().getDestination(null), "acme", 3, 17, 99));
			Message<?> message = MessageBuilder.withPayload(json)
				.setHeader(MessageHeaders.CONTENT_TYPE, "application/json")
				.build();
			Object read = converter.fromMessage(message, RemoteApplicationEvent.class);
			assertThat(read).isInstanceOfSatisfying(TenantChangedRemoteEvent.class, (event) -> {
				assertThat(event.getTenant()).isEqualTo("acme");
				assertThat(event.getVersion()).isEqualTo(3);
				assertThat(event.getCursor()).isEqualTo(17);
			});
		});
	}

	@Test
	void anEventMarksTheTenantStaleAndHealthShowsTheBus() {
		this.api.put("acme", "Acme Travel", "active", "{\"plan\":\"standard\"}");
		this.runner.run((context) -> {
			TenantChangePush push = context.getBean(TenantChangePush.class);
			ConfigServerChangeFollower follower = context.getBean(ConfigServerChangeFollower.class);
			assertThat(follower.awaitSynced(Duration.ofSeconds(5))).isTrue();
			CachingTenantRegistry cache = context.getBean(CachingTenantRegistry.class);
			TenantId acme = TenantId.of("acme");
			assertThat(cache.find(acme).orElseThrow().isActive()).isTrue();
			// fast polling until the bus consumer subscribes
			assertThat(follower.pollInterval()).isEqualTo(Duration.ofMillis(100));
			push.connected();
			assertThat(follower.pollInterval()).isEqualTo(Duration.ofSeconds(45));

			this.api.put("acme", "Acme Travel", "suspended", "{\"plan\":\"standard\"}");
			context.publishEvent(new TenantChangedRemoteEvent(this, "config-server:8888:abc",
					new PathDestinationFactory().getDestination(null), "acme", 2, follower.cursor() + 1,
					System.currentTimeMillis()));
			assertThat(cache.find(acme).orElseThrow().isActive()).isFalse();
			assertThat(push.applied()).isEqualTo(1);

			Health health = context.getBean("tenancyRegistryHealthIndicator", ConfigServerRegistryHealthIndicator.class)
				.health(true);
			assertThat(health.getDetails()).containsEntry("bus", "connected").containsEntry("pollInterval", "PT45S");
			push.disconnected();
			assertThat(follower.pollInterval()).isEqualTo(Duration.ofMillis(100));
			assertThat(context.getBean("tenancyRegistryHealthIndicator", ConfigServerRegistryHealthIndicator.class)
				.health(true)
				.getDetails()).containsEntry("bus", "disconnected");
		});
	}

	@Test
	void withoutSpringCloudBusTheFeedIsPolledAsBefore() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.cloud.bus")).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(TenantChangePush.class);
			assertThat(context.getBean(ConfigServerChangeFollower.class).pollInterval())
				.isEqualTo(Duration.ofMillis(100));
		});
	}

	@Test
	void busSwitchedOffLeavesPollingAlone() {
		this.runner.withPropertyValues("tenancy.registry.config-server.bus.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TenantChangePush.class));
		this.runner.withPropertyValues("spring.cloud.bus.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TenantChangePush.class));
	}

	@Test
	void otherRegistrySourcesGetNoPush() {
		this.runner.withPropertyValues("tenancy.registry.source=properties")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TenantChangePush.class));
	}

}
