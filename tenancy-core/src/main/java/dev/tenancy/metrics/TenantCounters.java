package dev.tenancy.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.tenancy.TenantTags;

/**
 * One counter name with a {@value TenantTags#KEY} tag bounded by a {@link TenantTags}
 * (shared by every meter of the app, so the same tenants hold their own value on all of
 * them) and further tags. When a tenant loses its own value its series are removed from
 * the registry: a Prometheus counter never decreases, it ends (and a tenant that regains
 * a value starts a new series from zero, which {@code rate()} and {@code increase()}
 * treat as a reset). Its later requests count under {@value TenantTags#OTHER}.
 * <p>
 * The one race this leaves: an increment that looked its counter up just before the
 * tenant lost its value lands on the removed counter and is not scraped.
 */
public final class TenantCounters {

	private final MeterRegistry registry;

	private final TenantTags tenantTags;

	private final String name;

	private final String description;

	// (tenant tag, other tag values...) -> counter; bounded like the tags:
	// (max + 2) tenant values × the other tags' values.
	private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();

	private final ReadWriteLock registering = new ReentrantReadWriteLock();

	/**
	 * Counters of one name.
	 * @param registry the registry
	 * @param tenantTags the bound of the tenant tag
	 * @param name the counter name
	 * @param description its description
	 */
	public TenantCounters(MeterRegistry registry, TenantTags tenantTags, String name, String description) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.tenantTags = Objects.requireNonNull(tenantTags, "tenantTags");
		this.name = Objects.requireNonNull(name, "name");
		this.description = description;
		tenantTags.onUntagged(this::remove);
	}

	/**
	 * Count one event of a known tenant (counting it as traffic for the ranking).
	 * @param tenant the tenant id (a registered tenant, never an id a caller made up)
	 * @param tags further tags as key, value pairs
	 */
	public void increment(String tenant, String... tags) {
		incrementTagged(this.tenantTags.tag(tenant), tags);
	}

	/**
	 * Count one event under a tenant tag already decided
	 * ({@link TenantTags#existingTag(String)} for ids that may be forged, or
	 * {@link TenantTags#tag(String)} when another meter already counted the request).
	 * @param tenantTag the tenant's tag value
	 * @param tags further tags as key, value pairs
	 */
	public void incrementTagged(String tenantTag, String... tags) {
		if (tags.length % 2 != 0) {
			throw new IllegalArgumentException("tags must be key, value pairs");
		}
		counter(tenantTag, tags).increment();
	}

	private Counter counter(String tenantTag, String[] tags) {
		Counter counter = this.counters.get(key(tenantTag, tags));
		if (counter != null) {
			return counter;
		}
		// Registering is rare (bounded by the tags) and excludes remove(): a tenant that
		// lost its value since its tag was decided is counted as other, never registered
		// again after its counters were removed.
		this.registering.readLock().lock();
		try {
			String tag = (isShared(tenantTag) || this.tenantTags.holds(tenantTag)) ? tenantTag : TenantTags.OTHER;
			return this.counters.computeIfAbsent(key(tag, tags), (k) -> register(tag, tags));
		}
		finally {
			this.registering.readLock().unlock();
		}
	}

	private static boolean isShared(String tenantTag) {
		return TenantTags.OTHER.equals(tenantTag) || TenantTags.NONE.equals(tenantTag);
	}

	private Counter register(String tenantTag, String[] tags) {
		return Counter.builder(this.name)
			.description(this.description)
			.tag(TenantTags.KEY, tenantTag)
			.tags(tags)
			.register(this.registry);
	}

	private static List<String> key(String tenantTag, String[] tags) {
		List<String> key = new ArrayList<>(tags.length + 1);
		key.add(tenantTag);
		key.addAll(Arrays.asList(tags));
		return key;
	}

	private void remove(String tenant) {
		this.registering.writeLock().lock();
		try {
			this.counters.entrySet().removeIf((entry) -> {
				if (entry.getKey().get(0).equals(tenant)) {
					this.registry.remove(entry.getValue());
					return true;
				}
				return false;
			});
		}
		finally {
			this.registering.writeLock().unlock();
		}
	}

}
