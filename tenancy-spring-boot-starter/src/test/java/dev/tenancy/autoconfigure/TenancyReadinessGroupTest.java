package dev.tenancy.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import dev.tenancy.TenantId;
import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.registry.remote.ConfigServerChangeFollower;
import dev.tenancy.test.FakeTenantApi;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documented readiness group
 * ({@code management.endpoint.health.group.readiness.include:
 * readinessState,tenancyRegistry}) takes an instance out of service while its registry is
 * down, and the contributor keeps its name in Spring Boot's health endpoint.
 */
class TenancyReadinessGroupTest {

	private final FakeTenantApi api = new FakeTenantApi();

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TenancyRegistryAutoConfiguration.class,
				TenancyHealthContributorAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class,
				HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
				HealthEndpointAutoConfiguration.class, AvailabilityHealthContributorAutoConfiguration.class,
				AvailabilityProbesAutoConfiguration.class));

	@AfterEach
	void stop() {
		this.api.close();
	}

	@Test
	void theRegistryInTheReadinessGroupTakesTheInstanceOutOfServiceWhileItIsDown() {
		this.api.put("acme", "Acme Travel", "active", "{}");
		this.runner.withPropertyValues("tenancy.registry.source=config-server",
				"tenancy.registry.config-server.url=" + this.api.url(),
				"tenancy.registry.config-server.username=" + FakeTenantApi.USERNAME,
				"tenancy.registry.config-server.password=" + FakeTenantApi.PASSWORD,
				"tenancy.registry.config-server.poll-interval=100ms",
				"tenancy.registry.config-server.read-timeout=200ms", "management.endpoint.health.probes.enabled=true",
				"management.endpoint.health.group.readiness.include=readinessState,tenancyRegistry")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ConfigServerChangeFollower.class).awaitSynced(Duration.ofSeconds(5)))
					.isTrue();
				assertThat(context.getBean(TenantRegistry.class).find(TenantId.of("acme"))).isPresent();
				// as SpringApplication does once the application has started
				AvailabilityChangeEvent.publish(context, LivenessState.CORRECT);
				AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
				HealthEndpoint health = context.getBean(HealthEndpoint.class);
				assertThat(health.healthForPath("tenancyRegistry").getStatus()).isEqualTo(Status.UP);
				assertThat(health.healthForPath("readiness").getStatus()).isEqualTo(Status.UP);
				this.api.close();
				long start = System.nanoTime();
				while (health.healthForPath("readiness").getStatus().equals(Status.UP)) {
					assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
					Thread.sleep(100);
				}
				assertThat(health.healthForPath("readiness").getStatus()).isEqualTo(Status.DOWN);
				// liveness never includes it: a registry outage must not restart the
				// instance
				assertThat(health.healthForPath("liveness").getStatus()).isEqualTo(Status.UP);
			});
	}

}
