package dev.tenancy.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

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
	void withoutMicrometerTheAppStartsWithoutRequestMetrics() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer.core.")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasBean("tenantIsolationFilter");
			assertThat(context).doesNotHaveBean(TenantRequestMetrics.class);
		});
	}

}
