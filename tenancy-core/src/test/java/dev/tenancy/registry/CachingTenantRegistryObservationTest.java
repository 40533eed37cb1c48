package dev.tenancy.registry;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import dev.tenancy.TenantId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link CachingTenantRegistry}'s lookups are observed with how they were answered (hit,
 * miss, last known good, unavailable) and the tenant as a high-cardinality key only.
 */
class CachingTenantRegistryObservationTest {

	static final TenantId ACME = TenantId.of("acme");

	static final TenantId GLOBEX = TenantId.of("globex");

	final CachingTenantRegistryTest.FakeRegistry delegate = new CachingTenantRegistryTest.FakeRegistry();

	final AtomicLong clock = new AtomicLong(1_000_000_000L);

	final CachingTenantRegistry cache = new CachingTenantRegistry(this.delegate, 100, Duration.ofMinutes(5),
			Duration.ofMinutes(30), this.clock::get);

	final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

	@Test
	void lookupsAreObservedWithTheirCacheOutcome() {
		this.delegate.put(CachingTenantRegistryTest.tenant(ACME, 0));
		this.cache.find(ACME);
		assertThat(this.stopped).as("no registry, no observations").isEmpty();
		this.cache.invalidateAll();

		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

			@Override
			public void onStop(Observation.Context context) {
				CachingTenantRegistryObservationTest.this.stopped.add(context);
			}

		});
		this.cache.setObservationRegistry(observations);

		this.cache.find(ACME);
		this.cache.find(ACME);
		this.delegate.down(true);
		this.cache.invalidateAll();
		this.cache.find(ACME);
		assertThatExceptionOfType(TenantRegistryUnavailableException.class).isThrownBy(() -> this.cache.find(GLOBEX));

		assertThat(this.stopped).extracting(Observation.Context::getName)
			.containsOnly(CachingTenantRegistry.OBSERVATION);
		assertThat(this.stopped).extracting((context) -> context.getLowCardinalityKeyValue("cache").getValue())
			.containsExactly("miss", "hit", "last_known_good", "unavailable");
		assertThat(this.stopped).extracting((context) -> context.getHighCardinalityKeyValue("tenant_id").getValue())
			.containsExactly("acme", "acme", "acme", "globex");
		assertThat(this.stopped)
			.allSatisfy((context) -> assertThat(context.getLowCardinalityKeyValue("tenant_id")).as("never a metric tag")
				.isNull());
		assertThat(this.stopped.get(3).getError()).isInstanceOf(TenantRegistryUnavailableException.class);
	}

}
