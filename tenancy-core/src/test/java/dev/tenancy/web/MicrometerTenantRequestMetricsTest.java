package dev.tenancy.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.tenancy.TenantTags;

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

	@Test
	void theTenantsWithTheMostTrafficOwnTheTagsAndAFloodOfSmallTenantsNeverGrowsCardinality() {
		AtomicLong clock = new AtomicLong();
		TenantTags tags = new TenantTags(3, Duration.ofMinutes(1), clock::get);
		MicrometerTenantRequestMetrics metrics = new MicrometerTenantRequestMetrics(this.registry, tags);
		Invariants invariants = new Invariants(3);

		// Window 1: three small tenants come first and take the free values; then three
		// heavy tenants, with a thousand one-request tenants in between.
		for (String early : new String[] { "early-1", "early-2", "early-3" }) {
			metrics.request(early, true, "served");
			invariants.check();
		}
		for (int i = 0; i < 1000; i++) {
			metrics.request("flood-" + i, true, "served");
			if (i % 7 == 0) {
				metrics.request("heavy-" + (i % 3 + 1), true, (i % 2 == 0) ? "served" : "rate_limited");
			}
			invariants.check();
		}
		assertThat(tags.holders()).containsExactlyInAnyOrder("early-1", "early-2", "early-3");

		// The window ends; the next request ranks the tenants by the window's traffic.
		clock.addAndGet(TimeUnit.MINUTES.toNanos(1));
		metrics.request("flood-x", true, "served");
		invariants.check();
		assertThat(tags.holders()).containsExactlyInAnyOrder("heavy-1", "heavy-2", "heavy-3");
		assertThat(tenantValues()).doesNotContain("early-1", "early-2", "early-3");

		// Window 2: heavy-3 slows down, early-1 picks up; another flood.
		for (int i = 0; i < 1000; i++) {
			metrics.request("flood2-" + i, true, "served");
			if (i % 25 == 0) {
				metrics.request("heavy-1", true, "served");
				metrics.request("heavy-2", true, "served");
				metrics.request("early-1", true, "served");
			}
			if (i % 250 == 0) {
				metrics.request("heavy-3", true, "served");
			}
			invariants.check();
		}
		long heavy3Before = (long) count("heavy-3", "served");
		clock.addAndGet(TimeUnit.MINUTES.toNanos(1));
		metrics.request("heavy-1", true, "served");
		invariants.check();
		assertThat(tags.holders()).containsExactlyInAnyOrder("heavy-1", "heavy-2", "early-1");
		assertThat(heavy3Before).isPositive();
		// heavy-3's series ended; its next requests count as other
		assertThat(count("heavy-3", "served")).isZero();
		metrics.request("heavy-3", true, "served");
		assertThat(count("heavy-3", "served")).isZero();
		invariants.check();
		assertThat(invariants.maxTenantValuesSeen).isEqualTo(4);
	}

	@Test
	void concurrentRequestsAcrossThousandsOfRankingsNeverExceedTheBoundNorLeakASeries() throws Exception {
		AtomicLong clock = new AtomicLong();
		TenantTags tags = new TenantTags(2, Duration.ofNanos(1000), clock::get);
		MicrometerTenantRequestMetrics metrics = new MicrometerTenantRequestMetrics(this.registry, tags);
		// The registry's own add and remove callbacks see every change as it happens, so
		// the count of distinct tenant values they keep is exact at every moment (a scan
		// of the registry is not: it can see a leaving and an arriving tenant at once).
		Map<String, Integer> seriesByValue = new java.util.concurrent.ConcurrentHashMap<>();
		AtomicInteger values = new AtomicInteger();
		AtomicInteger worst = new AtomicInteger();
		this.registry.config()
			.onMeterAdded((meter) -> seriesByValue.compute(meter.getId().getTag(TenantTags.KEY), (value, series) -> {
				if (series == null) {
					worst.accumulateAndGet(values.incrementAndGet(), Math::max);
					return 1;
				}
				return series + 1;
			}));
		this.registry.config()
			.onMeterRemoved((meter) -> seriesByValue.compute(meter.getId().getTag(TenantTags.KEY), (value, series) -> {
				if (series == 1) {
					values.decrementAndGet();
					return null;
				}
				return series - 1;
			}));
		List<Thread> workers = new ArrayList<>();
		for (int w = 0; w < 4; w++) {
			int seed = w;
			workers.add(Thread.ofPlatform().start(() -> {
				java.util.Random random = new java.util.Random(seed);
				for (int i = 0; i < 20_000; i++) {
					clock.addAndGet(37);
					// skewed: tenant t-0 most, t-7 least, and the leaders change over
					// time
					int rank = Integer.numberOfTrailingZeros(random.nextInt() | 0x80);
					metrics.request("t-" + ((rank + i / 5000) % 8), true, (i % 3 == 0) ? "rate_limited" : "served");
				}
			}));
		}
		for (Thread worker : workers) {
			worker.join();
		}
		assertThat(worst.get()).as("tenant_id values at any moment").isBetween(2, 3);
		Set<String> remaining = tenantValues();
		remaining.remove("other");
		assertThat(tags.holders()).hasSizeLessThanOrEqualTo(2).containsAll(remaining);
	}

	@Test
	void onATieTheHolderKeepsItsTag() {
		AtomicLong clock = new AtomicLong();
		TenantTags tags = new TenantTags(1, Duration.ofSeconds(10), clock::get);
		MicrometerTenantRequestMetrics metrics = new MicrometerTenantRequestMetrics(this.registry, tags);
		metrics.request("first", true, "served");
		for (int i = 0; i < 5; i++) {
			metrics.request("second", true, "served");
		}
		for (int i = 0; i < 4; i++) {
			metrics.request("first", true, "served");
		}
		clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
		metrics.request("first", true, "served");
		assertThat(tags.holders()).containsExactly("first");
		// an idle holder keeps its tag while no other tenant has traffic
		clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
		metrics.request(null, false, "required");
		clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
		metrics.request("forged", false, "forbidden");
		assertThat(tags.holders()).containsExactly("first");
	}

	/**
	 * After every step: at most max tenants' own values plus other; every counter still
	 * registered only ever grew.
	 */
	private final class Invariants {

		private final int max;

		private final Map<Counter, Double> lastCounts = new HashMap<>();

		int maxTenantValuesSeen;

		Invariants(int max) {
			this.max = max;
		}

		void check() {
			Set<String> values = tenantValues();
			this.maxTenantValuesSeen = Math.max(this.maxTenantValuesSeen, values.size());
			assertThat(values).hasSizeLessThanOrEqualTo(this.max + 1);
			for (Counter counter : MicrometerTenantRequestMetricsTest.this.registry
				.find(MicrometerTenantRequestMetrics.REQUESTS)
				.counters()) {
				Double last = this.lastCounts.put(counter, counter.count());
				if (last != null) {
					assertThat(counter.count()).isGreaterThanOrEqualTo(last);
				}
			}
		}

	}

	private Set<String> tenantValues() {
		Set<String> values = new TreeSet<>();
		this.registry.find(MicrometerTenantRequestMetrics.REQUESTS)
			.counters()
			.forEach((counter) -> values.add(counter.getId().getTag("tenant_id")));
		return values;
	}

	private double count(String tenant, String outcome) {
		var counter = this.registry.find(MicrometerTenantRequestMetrics.REQUESTS)
			.tag("tenant_id", tenant)
			.tag("outcome", outcome)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

}
