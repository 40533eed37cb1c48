package dev.tenancy.web;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MicrometerTenantRequestMetricsTest {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final MicrometerTenantRequestMetrics metrics = new MicrometerTenantRequestMetrics(this.registry, 2);

	@Test
	void knownTenantsBeyondTheBoundShareOther() {
		this.metrics.request("acme", true, "served");
		this.metrics.request("globex", true, "served");
		this.metrics.request("initech", true, "served");
		this.metrics.request("acme", true, "rate_limited");

		assertThat(count("acme", "served")).isEqualTo(1);
		assertThat(count("globex", "served")).isEqualTo(1);
		assertThat(count("other", "served")).isEqualTo(1);
		assertThat(count("acme", "rate_limited")).isEqualTo(1);
		assertThat(this.registry.find(MicrometerTenantRequestMetrics.REQUESTS).counters())
			.extracting((counter) -> counter.getId().getTag("tenant_id"))
			.containsOnly("acme", "globex", "other");
	}

	@Test
	void idsThatMayBeMadeUpNeverTakeATagOfTheirOwn() {
		for (int i = 0; i < 50; i++) {
			this.metrics.request("forged-" + i, false, "forbidden");
		}
		this.metrics.request(null, false, "required");
		this.metrics.request("acme", true, "served");
		this.metrics.request("acme", false, "forbidden");

		assertThat(count("other", "forbidden")).isEqualTo(50);
		assertThat(count("none", "required")).isEqualTo(1);
		// a tagged tenant keeps its tag for its rejections too
		assertThat(count("acme", "forbidden")).isEqualTo(1);
		assertThat(this.registry.find(MicrometerTenantRequestMetrics.REQUESTS).counters()).hasSize(4);
	}

	private double count(String tenant, String outcome) {
		var counter = this.registry.find(MicrometerTenantRequestMetrics.REQUESTS)
			.tag("tenant_id", tenant)
			.tag("outcome", outcome)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

}
