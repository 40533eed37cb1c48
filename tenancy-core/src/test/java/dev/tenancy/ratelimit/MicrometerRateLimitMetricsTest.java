package dev.tenancy.ratelimit;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.tenancy.TenantId;
import dev.tenancy.TenantTags;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limiter's per-tenant meters follow the app's shared tenant ranking: the tenants
 * that hold their own value on {@code tenancy.requests} hold it here, the limiter never
 * adds traffic of its own to the ranking, and a tenant that loses its value loses its
 * series.
 */
class MicrometerRateLimitMetricsTest {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void sharedTagsDecideWhichTenantsKeepTheirOwnValue() {
		TenantTags shared = new TenantTags(1);
		shared.tag("acme");
		MicrometerRateLimitMetrics metrics = new MicrometerRateLimitMetrics(this.registry, shared);
		for (int i = 0; i < 50; i++) {
			// Many more decisions for globex than acme ever made: the limiter's own
			// decisions must not win globex a value.
			metrics.decision(request("globex"), RateLimitDecision.failClosed(request("globex"), 1));
		}
		metrics.decision(request("acme"), RateLimitDecision.failOpen(request("acme")));
		assertThat(tenantValues(MicrometerRateLimitMetrics.DECISIONS)).containsExactlyInAnyOrder("acme",
				TenantTags.OTHER);
		assertThat(count(MicrometerRateLimitMetrics.REJECTIONS, TenantTags.OTHER)).isEqualTo(50);
		assertThat(shared.holders()).containsExactly("acme");
	}

	@Test
	void onItsOwnTheLimiterRanksTheTenantsItDecides() {
		MicrometerRateLimitMetrics metrics = new MicrometerRateLimitMetrics(this.registry, 2);
		for (String tenant : new String[] { "a", "b", "c", "d" }) {
			metrics.fallback(request(tenant), FailureMode.LOCAL, "timeout");
		}
		assertThat(tenantValues(MicrometerRateLimitMetrics.FALLBACKS)).containsExactlyInAnyOrder("a", "b",
				TenantTags.OTHER);
	}

	@Test
	void aTenantThatLosesItsValueLosesItsSeriesAndCountersNeverGoDown() {
		long[] now = { 0 };
		TenantTags shared = new TenantTags(1, Duration.ofMinutes(1), () -> now[0]);
		MicrometerRateLimitMetrics metrics = new MicrometerRateLimitMetrics(this.registry, shared);
		shared.tag("acme");
		metrics.decision(request("acme"), RateLimitDecision.failOpen(request("acme")));
		for (int i = 0; i < 10; i++) {
			shared.tag("globex");
		}
		now[0] += Duration.ofMinutes(2).toNanos();
		shared.tag("globex");
		shared.tag("globex");
		metrics.decision(request("globex"), RateLimitDecision.failOpen(request("globex")));
		metrics.decision(request("acme"), RateLimitDecision.failOpen(request("acme")));
		assertThat(shared.holders()).containsExactly("globex");
		assertThat(tenantValues(MicrometerRateLimitMetrics.DECISIONS)).containsExactlyInAnyOrder("globex",
				TenantTags.OTHER);
		assertThat(count(MicrometerRateLimitMetrics.DECISIONS, TenantTags.OTHER)).isEqualTo(1);
	}

	private Set<String> tenantValues(String name) {
		return this.registry.find(name)
			.counters()
			.stream()
			.map((counter) -> counter.getId().getTag(TenantTags.KEY))
			.collect(Collectors.toSet());
	}

	private double count(String name, String tenantTag) {
		return this.registry.find(name)
			.tag(TenantTags.KEY, tenantTag)
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

	private static RateLimitRequest request(String tenant) {
		RateLimitPolicy limit = new RateLimitPolicy(RateLimitPolicy.TENANT, 10, Duration.ofMinutes(1), 10);
		return new RateLimitRequest(new RateLimitPlan(TenantId.of(tenant), 1, null, limit, null, Map.of()), null, null);
	}

}
