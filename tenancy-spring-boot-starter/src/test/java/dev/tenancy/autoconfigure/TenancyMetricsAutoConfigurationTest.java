package dev.tenancy.autoconfigure;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import dev.tenancy.TenantTags;
import dev.tenancy.registry.remote.ConfigServerChangeFollower;
import dev.tenancy.registry.remote.ConfigServerChangeFollowerMetrics;
import dev.tenancy.test.FakeTenantApi;
import dev.tenancy.web.MicrometerTenantRequestMetrics;
import dev.tenancy.web.TenantRequestMetrics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tenancy.requests} is recorded when a meter registry exists, bounded by
 * {@code tenancy.metrics.max-tenant-tags}; without Micrometer the app starts without it.
 */
class TenancyMetricsAutoConfigurationTest {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TenancyAutoConfiguration.class, TenancyRegistryAutoConfiguration.class,
				TenancyMetricsAutoConfiguration.class))
		.withPropertyValues("tenancy.tenants.acme.display-name=Acme Travel");

	@Test
	void requestsAreCountedOnTheMeterRegistryWithBoundedTenantTags() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("tenancy.metrics.max-tenant-tags=1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TenantRequestMetrics metrics = context.getBean(TenantRequestMetrics.class);
				assertThat(metrics).isInstanceOf(MicrometerTenantRequestMetrics.class);
				metrics.request("acme", true, "served");
				metrics.request("globex", true, "served");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.find("tenancy.requests").tag("tenant_id", "acme").counter().count()).isEqualTo(1);
				assertThat(registry.find("tenancy.requests").tag("tenant_id", "other").counter().count()).isEqualTo(1);
			});
	}

	@Test
	void negativeBoundIsRefused() {
		this.runner.withPropertyValues("tenancy.metrics.max-tenant-tags=-1")
			.run((context) -> assertThat(context).hasFailed());
	}

	@Test
	void aRankingWindowThatIsNotPositiveIsRefused() {
		for (String window : new String[] { "0s", "-1m" }) {
			this.runner.withPropertyValues("tenancy.metrics.tenant-tags-window=" + window)
				.run((context) -> assertThat(context).as(window).hasFailed());
		}
	}

	@Test
	void oneTenantTagRankingServesTheAppsTenantMetersAndAppsMayDeclareTheirOwn() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasSingleBean(TenantTags.class);
			context.getBean(TenantRequestMetrics.class).request("acme", true, "served");
			assertThat(context.getBean(TenantTags.class).holders()).containsExactly("acme");
		});
		TenantTags own = new TenantTags(0);
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(TenantTags.class, () -> own)
			.run((context) -> {
				assertThat(context.getBean(TenantTags.class)).isSameAs(own);
				context.getBean(TenantRequestMetrics.class).request("acme", true, "served");
				assertThat(context.getBean(MeterRegistry.class)
					.find("tenancy.requests")
					.tag("tenant_id", "other")
					.counter()
					.count()).isEqualTo(1);
			});
	}

	@Test
	void withoutMicrometerTheAppStartsWithoutRequestMetrics() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer.core.")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasBean("tenantIsolationFilter");
			assertThat(context).doesNotHaveBean(TenantRequestMetrics.class);
		});
	}

	@Test
	void theConfigServerFollowersPollAgeShowsHowStaleTheCacheMayBe() {
		try (FakeTenantApi api = new FakeTenantApi()) {
			api.put("acme", "Acme Travel", "active", "{}");
			new WebApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(TenancyRegistryAutoConfiguration.class,
						TenancyMetricsAutoConfiguration.class))
				.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
				.withPropertyValues("tenancy.registry.source=config-server",
						"tenancy.registry.config-server.url=" + api.url(),
						"tenancy.registry.config-server.username=" + FakeTenantApi.USERNAME,
						"tenancy.registry.config-server.password=" + FakeTenantApi.PASSWORD,
						"tenancy.registry.config-server.poll-interval=100ms",
						"tenancy.registry.config-server.read-timeout=200ms")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					MeterRegistry registry = context.getBean(MeterRegistry.class);
					context.getBean(ConfigServerChangeFollowerMetrics.class).bindTo(registry);
					assertThat(context.getBean(ConfigServerChangeFollower.class).awaitSynced(Duration.ofSeconds(5)))
						.isTrue();
					awaitGauge(registry, ConfigServerChangeFollowerMetrics.FOLLOWING, 1);
					assertThat(gauge(registry, ConfigServerChangeFollowerMetrics.POLL_AGE)).isLessThan(2.0);
					api.close();
					// The config server is gone: the follower stops following and the age
					// grows
					// past the poll interval, which an alert on staleness can watch.
					awaitGauge(registry, ConfigServerChangeFollowerMetrics.FOLLOWING, 0);
					long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
					while (gauge(registry, ConfigServerChangeFollowerMetrics.POLL_AGE) < 1.0) {
						assertThat(System.nanoTime()).as("poll age grows").isLessThan(deadline);
						Thread.sleep(50);
					}
				});
		}
	}

	private static double gauge(MeterRegistry registry, String name) {
		return registry.get(name).gauge().value();
	}

	private static void awaitGauge(MeterRegistry registry, String name, double expected) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (gauge(registry, name) != expected) {
			assertThat(System.nanoTime()).as("%s reaches %s", name, expected).isLessThan(deadline);
			Thread.sleep(50);
		}
	}

}
