package dev.tenancy.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CachingTenantRegistryTest {

	static final TenantId ACME = TenantId.of("acme");

	static final TenantId GLOBEX = TenantId.of("globex");

	static final TenantId UNKNOWN = TenantId.of("nobody");

	static final Duration TTL = Duration.ofMinutes(5);

	static final Duration LAST_KNOWN_GOOD = Duration.ofMinutes(30);

	final FakeRegistry delegate = new FakeRegistry();

	final AtomicLong clock = new AtomicLong(1_000_000_000L);

	final CachingTenantRegistry cache = new CachingTenantRegistry(this.delegate, 100, TTL, LAST_KNOWN_GOOD,
			this.clock::get);

	@Test
	void answersFromTheCacheAfterTheFirstLookup() {
		this.delegate.put(tenant(ACME, 0));
		assertThat(this.cache.find(ACME)).contains(tenant(ACME, 0));
		assertThat(this.cache.find(ACME)).contains(tenant(ACME, 0));
		assertThat(this.delegate.lookups(ACME)).isEqualTo(1);
		assertThat(this.cache.size()).isEqualTo(1);
	}

	@Test
	void unknownTenantsAreCachedToo() {
		assertThat(this.cache.find(UNKNOWN)).isEmpty();
		assertThat(this.cache.find(UNKNOWN)).isEmpty();
		assertThat(this.cache.find(UNKNOWN)).isEmpty();
		assertThat(this.delegate.lookups(UNKNOWN)).isEqualTo(1);
	}

	@Test
	void createdTenantIsSeenAfterItsInvalidation() {
		assertThat(this.cache.find(ACME)).isEmpty();
		this.delegate.put(tenant(ACME, 0));
		assertThat(this.cache.find(ACME)).as("negative answer still cached").isEmpty();
		this.cache.invalidate(ACME);
		assertThat(this.cache.find(ACME)).contains(tenant(ACME, 0));
	}

	@Test
	void answersExpireAfterTheTimeToLive() {
		this.delegate.put(tenant(ACME, 0));
		this.cache.find(ACME);
		this.delegate.put(tenant(ACME, 1));
		advance(TTL.minusNanos(1));
		assertThat(this.cache.find(ACME)).contains(tenant(ACME, 0));
		advance(Duration.ofNanos(1));
		assertThat(this.cache.find(ACME)).contains(tenant(ACME, 1));
		assertThat(this.delegate.lookups(ACME)).isEqualTo(2);
		advance(TTL.minusSeconds(1));
		assertThat(this.cache.find(ACME)).contains(tenant(ACME, 1));
		assertThat(this.delegate.lookups(ACME)).isEqualTo(2);
	}

	@Test
	void invalidateReloadsOneTenantOnly() {
		this.delegate.put(tenant(ACME, 0));
		this.delegate.put(tenant(GLOBEX, 0));
		this.cache.find(ACME);
		this.cache.find(GLOBEX);
		this.delegate.put(tenant(ACME, 1));
		this.delegate.put(tenant(GLOBEX, 1));
		this.cache.invalidate(ACME);
		assertThat(this.cache.find(ACME)).contains(tenant(ACME, 1));
		assertThat(this.cache.find(GLOBEX)).contains(tenant(GLOBEX, 0));
		this.cache.invalidate(UNKNOWN);
		assertThat(this.cache.find(ACME)).contains(tenant(ACME, 1));
		assertThat(this.delegate.lookups(ACME)).isEqualTo(2);
	}

	@Test
	void invalidateAllReloadsEveryTenant() {
		this.delegate.put(tenant(ACME, 0));
		this.cache.find(ACME);
		this.cache.find(UNKNOWN);
		this.delegate.put(tenant(ACME, 3));
		this.delegate.put(tenant(UNKNOWN, 0));
		this.cache.invalidateAll();
		assertThat(this.cache.find(ACME)).contains(tenant(ACME, 3));
		assertThat(this.cache.find(UNKNOWN)).contains(tenant(UNKNOWN, 0));
		assertThat(this.cache.find(ACME)).contains(tenant(ACME, 3));
		assertThat(this.delegate.lookups(ACME)).isEqualTo(2);
	}

	@Test
	void lastKnownGoodIsServedWhileTheRegistryIsDown() {
		this.delegate.put(tenant(ACME, 0));
		this.cache.find(ACME);
		this.cache.find(UNKNOWN);
		this.delegate.down(true);
		advance(TTL.plusSeconds(1));
		assertThat(this.cache.find(ACME)).as("expired but last known good").contains(tenant(ACME, 0));
		assertThat(this.cache.find(UNKNOWN)).as("negative answers are last known good too").isEmpty();
		this.cache.invalidateAll();
		assertThat(this.cache.find(ACME)).as("stale but last known good").contains(tenant(ACME, 0));
		this.cache.invalidate(ACME);
		assertThatExceptionOfType(TenantRegistryUnavailableException.class)
			.as("a change notification outdated the answer: it is not served, the lookup fails closed")
			.isThrownBy(() -> this.cache.find(ACME));
		assertThat(this.delegate.lookups(ACME)).isEqualTo(4);
	}

	@Test
	void uncachedLookupFailsWhileTheRegistryIsDown() {
		this.delegate.down(true);
		assertThatExceptionOfType(TenantRegistryUnavailableException.class).isThrownBy(() -> this.cache.find(ACME));
		assertThat(this.cache.size()).isZero();
		this.delegate.down(false);
		this.delegate.put(tenant(ACME, 0));
		assertThat(this.cache.find(ACME)).contains(tenant(ACME, 0));
	}

	@Test
	void lastKnownGoodExpires() {
		this.delegate.put(tenant(ACME, 0));
		this.cache.find(ACME);
		this.delegate.down(true);
		advance(LAST_KNOWN_GOOD.minusNanos(1));
		assertThat(this.cache.find(ACME)).contains(tenant(ACME, 0));
		advance(Duration.ofNanos(1));
		assertThatExceptionOfType(TenantRegistryUnavailableException.class).isThrownBy(() -> this.cache.find(ACME));
		this.delegate.down(false);
		assertThat(this.cache.find(ACME)).contains(tenant(ACME, 0));
	}

	@Test
	void recoveryStoresFreshAnswersAgain() {
		this.delegate.put(tenant(ACME, 0));
		this.cache.find(ACME);
		this.delegate.down(true);
		this.cache.invalidateAll();
		this.cache.find(ACME);
		this.delegate.down(false);
		this.delegate.put(tenant(ACME, 1));
		assertThat(this.cache.find(ACME)).contains(tenant(ACME, 1));
		assertThat(this.cache.find(ACME)).contains(tenant(ACME, 1));
		assertThat(this.delegate.lookups(ACME)).isEqualTo(3);
	}

	@Test
	void otherFailuresAreNotMaskedByTheCache() {
		this.delegate.put(tenant(ACME, 0));
		this.cache.find(ACME);
		this.cache.invalidate(ACME);
		this.delegate.failure.set(new IllegalStateException("bug"));
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.cache.find(ACME));
	}

	@Test
	void invalidateDuringFirstLoadDoesNotStoreAStaleAnswerAsFresh() throws Exception {
		this.delegate.put(tenant(ACME, 0));
		Load load = startBlockedLoad(ACME);
		// The change commits and is announced while the old row is on its way back.
		this.delegate.put(tenant(ACME, 1));
		this.cache.invalidate(ACME);
		assertThat(load.finish()).contains(tenant(ACME, 0));
		assertThat(this.cache.find(ACME)).contains(tenant(ACME, 1));
	}

	@Test
	void invalidateDuringReloadDoesNotStoreAStaleAnswerAsFresh() throws Exception {
		this.delegate.put(tenant(ACME, 0));
		this.cache.find(ACME);
		this.cache.invalidate(ACME);
		Load load = startBlockedLoad(ACME);
		this.delegate.put(tenant(ACME, 1));
		this.cache.invalidate(ACME);
		assertThat(load.finish()).contains(tenant(ACME, 0));
		assertThat(this.cache.find(ACME)).contains(tenant(ACME, 1));
	}

	@Test
	void invalidateAllDuringLoadDoesNotStoreAStaleAnswerAsFresh() throws Exception {
		this.delegate.put(tenant(ACME, 0));
		Load load = startBlockedLoad(ACME);
		this.delegate.put(tenant(ACME, 1));
		this.cache.invalidateAll();
		assertThat(load.finish()).contains(tenant(ACME, 0));
		assertThat(this.cache.find(ACME)).contains(tenant(ACME, 1));
	}

	@Test
	void answerOfALoadOvertakenByAChangeIsNotLastKnownGood() throws Exception {
		this.delegate.put(tenant(ACME, 0));
		Load load = startBlockedLoad(ACME);
		this.cache.invalidate(ACME);
		load.finish();
		this.delegate.down(true);
		assertThatExceptionOfType(TenantRegistryUnavailableException.class).isThrownBy(() -> this.cache.find(ACME));
	}

	@Test
	void answerOfALoadOvertakenByAGapIsStillLastKnownGood() throws Exception {
		this.delegate.put(tenant(ACME, 0));
		Load load = startBlockedLoad(ACME);
		this.cache.invalidateAll();
		load.finish();
		this.delegate.down(true);
		assertThat(this.cache.find(ACME)).contains(tenant(ACME, 0));
	}

	@Test
	void aSuspensionAnnouncedBeforeAnOutageIsNeverUndone() {
		this.delegate.put(tenant(ACME, 0));
		assertThat(this.cache.find(ACME)).contains(tenant(ACME, 0));
		// The tenant is suspended; the notification arrives, then the database goes away
		// before the
		// next lookup. The cached ACTIVE answer must not come back as last known good.
		this.cache.invalidate(ACME);
		this.delegate.down(true);
		assertThatExceptionOfType(TenantRegistryUnavailableException.class).isThrownBy(() -> this.cache.find(ACME));
	}

	@Test
	void findAllIsNotCached() {
		this.delegate.put(tenant(ACME, 0));
		assertThat(this.cache.findAll()).containsExactly(tenant(ACME, 0));
		this.delegate.put(tenant(GLOBEX, 0));
		assertThat(this.cache.findAll()).hasSize(2);
	}

	@Test
	void concurrentLookupsOfAHotTenantAllSeeIt() throws Exception {
		this.delegate.put(tenant(ACME, 0));
		List<CompletableFuture<Optional<Tenant>>> lookups = java.util.stream.IntStream.range(0, 50)
			.mapToObj((i) -> CompletableFuture.supplyAsync(() -> this.cache.find(ACME)))
			.toList();
		for (CompletableFuture<Optional<Tenant>> lookup : lookups) {
			assertThat(lookup.get(5, TimeUnit.SECONDS)).contains(tenant(ACME, 0));
		}
	}

	private Load startBlockedLoad(TenantId id) throws InterruptedException {
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.delegate.block(started, release);
		CompletableFuture<Optional<Tenant>> result = CompletableFuture.supplyAsync(() -> this.cache.find(id));
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
		this.delegate.block(null, null);
		return new Load(release, result);
	}

	@Test
	void withARetryIntervalADownRegistryIsNotAskedOnEveryLookup() {
		CachingTenantRegistry backingOff = new CachingTenantRegistry(this.delegate, 100, TTL, LAST_KNOWN_GOOD,
				Duration.ofSeconds(1), this.clock::get);
		this.delegate.put(tenant(ACME, 0));
		backingOff.find(ACME);
		this.delegate.down(true);
		backingOff.invalidateAll();
		assertThat(backingOff.find(ACME)).as("asks, fails, last known good").contains(tenant(ACME, 0));
		assertThat(this.delegate.lookups(ACME)).isEqualTo(2);
		for (int i = 0; i < 5; i++) {
			assertThat(backingOff.find(ACME)).as("last known good, without asking").contains(tenant(ACME, 0));
		}
		assertThatExceptionOfType(TenantRegistryUnavailableException.class)
			.as("no cached answer: fails at once, without asking")
			.isThrownBy(() -> backingOff.find(UNKNOWN));
		assertThat(this.delegate.lookups(ACME)).isEqualTo(2);
		assertThat(this.delegate.lookups(UNKNOWN)).isZero();

		advance(Duration.ofSeconds(1));
		assertThat(backingOff.find(ACME)).as("one lookup asks again").contains(tenant(ACME, 0));
		assertThat(backingOff.find(ACME)).contains(tenant(ACME, 0));
		assertThat(this.delegate.lookups(ACME)).isEqualTo(3);

		this.delegate.down(false);
		this.delegate.put(tenant(ACME, 1));
		advance(Duration.ofSeconds(1));
		assertThat(backingOff.find(ACME)).as("back: fresh answers again").contains(tenant(ACME, 1));
		assertThat(backingOff.find(UNKNOWN)).isEmpty();
		assertThat(this.delegate.lookups(UNKNOWN)).isEqualTo(1);
	}

	@Test
	void withARetryIntervalAChangeNotifiedAnswerStillFailsClosed() {
		CachingTenantRegistry backingOff = new CachingTenantRegistry(this.delegate, 100, TTL, LAST_KNOWN_GOOD,
				Duration.ofSeconds(1), this.clock::get);
		this.delegate.put(tenant(ACME, 0));
		this.delegate.put(tenant(UNKNOWN, 0));
		backingOff.find(ACME);
		backingOff.find(UNKNOWN);
		this.delegate.down(true);
		backingOff.invalidate(UNKNOWN);
		assertThatExceptionOfType(TenantRegistryUnavailableException.class).isThrownBy(() -> backingOff.find(UNKNOWN));
		backingOff.invalidate(ACME);
		assertThatExceptionOfType(TenantRegistryUnavailableException.class).as("within the retry interval too")
			.isThrownBy(() -> backingOff.find(ACME));
	}

	private void advance(Duration duration) {
		this.clock.addAndGet(duration.toNanos());
	}

	static Tenant tenant(TenantId id, long version) {
		return new Tenant(id, id.value() + " v" + version, TenantStatus.ACTIVE, TenantConfig.empty(), version);
	}

	record Load(CountDownLatch release, CompletableFuture<Optional<Tenant>> result) {

		Optional<Tenant> finish() throws Exception {
			this.release.countDown();
			return this.result.get(5, TimeUnit.SECONDS);
		}

	}

	/**
	 * A registry in memory that counts lookups, can be "down", and can hold a lookup
	 * after it has read its answer (to let a change and its invalidation overtake it).
	 */
	static final class FakeRegistry implements TenantRegistry {

		private final Map<TenantId, Tenant> tenants = new ConcurrentHashMap<>();

		private final Map<TenantId, AtomicInteger> lookups = new ConcurrentHashMap<>();

		private volatile boolean down;

		private volatile CountDownLatch started;

		private volatile CountDownLatch release;

		final AtomicReference<RuntimeException> failure = new AtomicReference<>();

		void put(Tenant tenant) {
			this.tenants.put(tenant.id(), tenant);
		}

		void down(boolean down) {
			this.down = down;
		}

		void block(CountDownLatch started, CountDownLatch release) {
			this.started = started;
			this.release = release;
		}

		int lookups(TenantId id) {
			return this.lookups.computeIfAbsent(id, (key) -> new AtomicInteger()).get();
		}

		@Override
		public Optional<Tenant> find(TenantId id) {
			this.lookups.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
			if (this.failure.get() != null) {
				throw this.failure.get();
			}
			if (this.down) {
				throw new TenantRegistryUnavailableException("down", null);
			}
			Optional<Tenant> answer = Optional.ofNullable(this.tenants.get(id));
			CountDownLatch started = this.started;
			CountDownLatch release = this.release;
			if (started != null && release != null) {
				started.countDown();
				try {
					release.await(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return answer;
		}

		@Override
		public List<Tenant> findAll() {
			return this.tenants.values().stream().sorted(java.util.Comparator.comparing(Tenant::id)).toList();
		}

	}

}
