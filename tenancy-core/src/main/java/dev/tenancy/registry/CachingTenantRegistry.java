package dev.tenancy.registry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;

/**
 * A bounded in-memory cache in front of a registry.
 * <p>
 * Answers (including "unknown", so probing ids cannot hammer the database) are kept until
 * they are invalidated, which the change listener does within a second of a commit on any
 * instance, or until {@code timeToLive} passes as a safety net. When the registry cannot
 * answer, a cached answer younger than {@code lastKnownGood} is served instead (last
 * known good), and a lookup with no usable cached answer fails with
 * {@link TenantRegistryUnavailableException}, which the filter turns into 503. A gap in
 * change notifications ({@link #invalidateAll()}) marks entries stale but keeps them as
 * last known good, so reconnecting just before an outage does not throw every answer
 * away. A change notification for one tenant ({@link #invalidate}) means its cached
 * answer is known to be outdated (a suspension, say): that answer is never served again,
 * and while the registry is down that tenant's lookups fail closed.
 * <p>
 * With a {@code retryInterval}, a registry that just failed is not asked again until that
 * interval has passed (then by one lookup, while the others keep being answered from the
 * cache): while it is down, cached tenants are served at once instead of after the
 * registry's own timeout on every lookup, and a tenant with no usable cached answer fails
 * at once.
 * <p>
 * Each lookup is observed as {@value #OBSERVATION} (a span when tracing is on, a timer
 * with metrics) with the low-cardinality key {@value #CACHE_KEY}: {@code hit},
 * {@code miss} (the registry was asked), {@code last_known_good} (served from the cache
 * while the registry is down) or {@code unavailable}; the tenant id is a high-cardinality
 * key (spans only).
 */
public final class CachingTenantRegistry implements TenantRegistry {

	/** Name of the observation of a lookup. */
	public static final String OBSERVATION = "tenancy.registry.lookup";

	/** Low-cardinality key telling how a lookup was answered. */
	public static final String CACHE_KEY = "cache";

	private static final Logger logger = LoggerFactory.getLogger(CachingTenantRegistry.class);

	/**
	 * The observation key of the looked-up tenant: the MDC key TenantContext uses, spelt
	 * out so that the registry does not depend on the context package (TenantWork there
	 * uses the registry).
	 */
	private static final String TENANT_KEY = "tenant_id";

	private volatile ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private final TenantRegistry delegate;

	private final Cache<TenantId, Entry> cache;

	private final Cache<String, DomainEntry> domains;

	private final long timeToLiveNanos;

	private final long lastKnownGoodNanos;

	private final LongSupplier clock;

	private final long retryIntervalNanos;

	/**
	 * When the registry may be asked again after a failure; {@link #HEALTHY} while it
	 * answers.
	 */
	private final AtomicLong retryAt = new AtomicLong(HEALTHY);

	private static final long HEALTHY = Long.MIN_VALUE;

	private final AtomicLong generation = new AtomicLong();

	/**
	 * Counts every invalidation, of one tenant or all, so a load overtaken by one is not
	 * stored as fresh.
	 */
	private final AtomicLong invalidations = new AtomicLong();

	/**
	 * Create a cache.
	 * @param delegate the registry behind the cache
	 * @param maximumSize most tenants kept
	 * @param timeToLive longest time an answer is served without asking the registry
	 * again
	 * @param lastKnownGood how long an answer may still be served while the registry is
	 * down
	 */
	public CachingTenantRegistry(TenantRegistry delegate, long maximumSize, Duration timeToLive,
			Duration lastKnownGood) {
		this(delegate, maximumSize, timeToLive, lastKnownGood, Duration.ZERO);
	}

	/**
	 * Create a cache that does not ask a registry that just failed again before
	 * {@code retryInterval} has passed.
	 * @param delegate the registry behind the cache
	 * @param maximumSize most tenants kept
	 * @param timeToLive longest time an answer is served without asking the registry
	 * again
	 * @param lastKnownGood how long an answer may still be served while the registry is
	 * down
	 * @param retryInterval how long after a failure the registry is left alone (zero: ask
	 * on every lookup)
	 */
	public CachingTenantRegistry(TenantRegistry delegate, long maximumSize, Duration timeToLive, Duration lastKnownGood,
			Duration retryInterval) {
		this(delegate, maximumSize, timeToLive, lastKnownGood, retryInterval, System::nanoTime);
	}

	CachingTenantRegistry(TenantRegistry delegate, long maximumSize, Duration timeToLive, Duration lastKnownGood,
			LongSupplier clock) {
		this(delegate, maximumSize, timeToLive, lastKnownGood, Duration.ZERO, clock);
	}

	CachingTenantRegistry(TenantRegistry delegate, long maximumSize, Duration timeToLive, Duration lastKnownGood,
			Duration retryInterval, LongSupplier clock) {
		this.delegate = delegate;
		// Statistics (a few counters) for the hit ratio in metrics
		// (CachingTenantRegistryMetrics).
		this.cache = Caffeine.newBuilder().maximumSize(maximumSize).recordStats().build();
		this.domains = Caffeine.newBuilder().maximumSize(maximumSize).build();
		this.timeToLiveNanos = timeToLive.toNanos();
		this.lastKnownGoodNanos = lastKnownGood.toNanos();
		this.retryIntervalNanos = retryInterval.toNanos();
		this.clock = clock;
	}

	/**
	 * Observe lookups with this registry (the default observes nothing).
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = (observationRegistry != null) ? observationRegistry : ObservationRegistry.NOOP;
	}

	@Override
	public Optional<Tenant> find(TenantId id) {
		Observation observation = Observation.createNotStarted(OBSERVATION, this.observationRegistry)
			.contextualName("tenant registry lookup")
			.highCardinalityKeyValue(TENANT_KEY, id.value())
			.start();
		try (Observation.Scope scope = observation.openScope()) {
			return find(id, observation);
		}
		catch (RuntimeException ex) {
			observation.lowCardinalityKeyValue(CACHE_KEY, "unavailable");
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	private Optional<Tenant> find(TenantId id, Observation observation) {
		Entry cached = this.cache.getIfPresent(id);
		long now = this.clock.getAsLong();
		if (cached != null && cached.generation == this.generation.get()
				&& now - cached.loadedAt < this.timeToLiveNanos) {
			observation.lowCardinalityKeyValue(CACHE_KEY, "hit");
			return cached.tenant;
		}
		if (!mayAskRegistry(now)) {
			return lastKnownGood(id, cached, now, null, observation);
		}
		long generationBefore = this.generation.get();
		long invalidationsBefore = this.invalidations.get();
		try {
			observation.lowCardinalityKeyValue(CACHE_KEY, "miss");
			Optional<Tenant> loaded = this.delegate.find(id);
			this.retryAt.set(HEALTHY);
			// A change announced while we were loading wins: store the answer as already
			// stale. The
			// check runs inside compute, which excludes invalidate(id) on the same key,
			// and
			// invalidate counts before it marks: so either we see its count here, or it
			// marks our entry.
			this.cache.asMap().compute(id, (key, previous) -> {
				if (previous != null && previous.loadedAt > now && previous.generation == this.generation.get()) {
					return previous;
				}
				boolean overtakenByChange = this.invalidations.get() != invalidationsBefore
						&& this.generation.get() == generationBefore;
				boolean overtaken = overtakenByChange || this.generation.get() != generationBefore;
				return new Entry(loaded, now, overtaken ? -1 : generationBefore, overtakenByChange);
			});
			return loaded;
		}
		catch (TenantRegistryUnavailableException ex) {
			if (this.retryIntervalNanos > 0) {
				this.retryAt.set(this.clock.getAsLong() + this.retryIntervalNanos);
			}
			return lastKnownGood(id, cached, now, ex, observation);
		}
	}

	/**
	 * Whether this lookup may ask the registry: always while it answers; after a failure
	 * only once the retry interval has passed, and then only the one lookup that claims
	 * the retry.
	 */
	private boolean mayAskRegistry(long now) {
		if (this.retryIntervalNanos <= 0) {
			return true;
		}
		long at = this.retryAt.get();
		if (at == HEALTHY) {
			return true;
		}
		if (now - at < 0) {
			return false;
		}
		return this.retryAt.compareAndSet(at, now + this.retryIntervalNanos);
	}

	private Optional<Tenant> lastKnownGood(TenantId id, Entry cached, long now,
			TenantRegistryUnavailableException failure, Observation observation) {
		// An answer a change notification has outdated is known to be wrong (a
		// suspension, say):
		// it is never served as last known good; the lookup fails closed instead.
		if (cached != null && !cached.changed && now - cached.loadedAt < this.lastKnownGoodNanos) {
			if (failure != null) {
				logger.warn("Tenant registry unavailable; serving last known good answer for tenant {}", id);
			}
			observation.lowCardinalityKeyValue(CACHE_KEY, "last_known_good");
			return cached.tenant;
		}
		throw (failure != null) ? failure
				: new TenantRegistryUnavailableException("Tenant registry unavailable; not asked again yet", null);
	}

	@Override
	public List<Tenant> findAll() {
		return this.delegate.findAll();
	}

	/**
	 * The owner of an e-mail domain. Which tenant owns a domain is cached (unknown
	 * domains too); the tenant itself comes from this cache's tenant lookup, and a cached
	 * owner whose configuration no longer lists the domain is asked again, so a domain
	 * moved to another tenant is never answered with the old one once that tenant's
	 * change has arrived. A change to any tenant forgets the unknown domains (it may have
	 * claimed one) and the domains of that tenant.
	 */
	@Override
	public Optional<Tenant> findByEmailDomain(String domain) {
		Optional<String> normalized = EmailDomains.normalize(domain);
		if (normalized.isEmpty()) {
			return Optional.empty();
		}
		String key = normalized.get();
		DomainEntry cached = this.domains.getIfPresent(key);
		long now = this.clock.getAsLong();
		if (cached != null && cached.generation == this.generation.get()
				&& now - cached.loadedAt < this.timeToLiveNanos) {
			if (cached.owner.isEmpty()) {
				return Optional.empty();
			}
			Optional<Tenant> owner = find(cached.owner.get());
			if (owner.isPresent() && owner.get().config().emailDomains().contains(key)) {
				return owner;
			}
		}
		long invalidationsBefore = this.invalidations.get();
		long generationBefore = this.generation.get();
		Optional<Tenant> loaded;
		try {
			loaded = this.delegate.findByEmailDomain(key);
		}
		catch (TenantRegistryUnavailableException ex) {
			// Last known good: an entry still here has heard of no change of its owner
			// since it was loaded (a change would have removed it).
			if (cached != null && cached.owner.isPresent() && now - cached.loadedAt < this.lastKnownGoodNanos) {
				logger.warn("Tenant registry unavailable; serving last known good owner of an e-mail domain");
				return lastKnownOwner(cached, key);
			}
			throw ex;
		}
		// An answer overtaken by a change is returned but not kept.
		if (this.invalidations.get() == invalidationsBefore) {
			this.domains.put(key, new DomainEntry(loaded.map(Tenant::id), loaded, now, generationBefore));
		}
		return loaded;
	}

	/**
	 * Mark one tenant's cached answer stale; the next lookup asks the registry.
	 * @param id the tenant
	 */
	public void invalidate(TenantId id) {
		this.invalidations.incrementAndGet();
		forgetDomains(id);
		this.cache.asMap().computeIfPresent(id, (key, entry) -> new Entry(entry.tenant, entry.loadedAt, -1, true));
	}

	/**
	 * Mark one tenant's cached answer stale on an untrusted hint that it changed (a
	 * pushed event anyone on the broker could have forged): the next lookup asks the
	 * registry, and while the registry cannot answer the cached answer is still served as
	 * last known good, so a forged hint can cost a lookup but never fail a tenant closed.
	 * @param id the tenant
	 */
	public void markStale(TenantId id) {
		this.invalidations.incrementAndGet();
		forgetDomains(id);
		this.cache.asMap()
			.computeIfPresent(id, (key, entry) -> new Entry(entry.tenant, entry.loadedAt, -1, entry.changed));
	}

	/**
	 * The owner of a domain while the registry is down: from the tenant cache when it has
	 * an answer, else as it was when the domain was looked up.
	 */
	private Optional<Tenant> lastKnownOwner(DomainEntry cached, String domain) {
		try {
			Optional<Tenant> owner = find(cached.owner.get());
			if (owner.isPresent() && owner.get().config().emailDomains().contains(domain)) {
				return owner;
			}
			return Optional.empty();
		}
		catch (TenantRegistryUnavailableException ex) {
			return cached.tenant;
		}
	}

	/**
	 * Forget the domains a tenant owned and the domains nobody owned: its change may have
	 * given up the one or claimed the other.
	 */
	private void forgetDomains(TenantId id) {
		this.domains.asMap().values().removeIf((entry) -> entry.owner.isEmpty() || entry.owner.get().equals(id));
	}

	/**
	 * The cached answer for a tenant, fresh or stale, without asking the registry.
	 * @param id the tenant
	 * @return the cached tenant; empty when none is cached (or the tenant was cached as
	 * unknown)
	 */
	public Optional<Tenant> cached(TenantId id) {
		Entry entry = this.cache.getIfPresent(id);
		return (entry != null) ? entry.tenant : Optional.empty();
	}

	/**
	 * Mark every cached answer stale, after changes may have been missed (the listener
	 * lost its connection, say).
	 */
	public void invalidateAll() {
		this.invalidations.incrementAndGet();
		this.generation.incrementAndGet();
	}

	/**
	 * How many tenants are cached.
	 * @return the estimated size
	 */
	public long size() {
		return this.cache.estimatedSize();
	}

	/**
	 * A cached answer.
	 * @param tenant the answer
	 * @param loadedAt when it was loaded (clock time)
	 * @param generation the cache generation it belongs to, -1 when stale
	 * @param changed whether a change notification for this tenant has outdated it
	 */
	/** The cache itself, for its metrics. */
	Cache<TenantId, ?> cache() {
		return this.cache;
	}

	private record Entry(Optional<Tenant> tenant, long loadedAt, long generation, boolean changed) {
	}

	/**
	 * A cached domain owner.
	 *
	 * @param owner the tenant that owns the domain, or empty when none does
	 * @param tenant the owner as it was loaded, served as last known good
	 * @param loadedAt when it was loaded (clock time)
	 * @param generation the cache generation it belongs to
	 */
	private record DomainEntry(Optional<TenantId> owner, Optional<Tenant> tenant, long loadedAt, long generation) {
	}

}
