package dev.tenancy.cache;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.tenancy.TenantId;

/**
 * Cache generations in this instance's memory, for caches that live in it (Caffeine, a
 * concurrent map).
 */
public final class LocalTenantCacheGenerations implements TenantCacheGenerations {

	private final ConcurrentMap<TenantId, Long> tenants = new ConcurrentHashMap<>();

	private final ConcurrentMap<Part, Long> caches = new ConcurrentHashMap<>();

	@Override
	public CacheGeneration current(TenantId tenant, String cacheName) {
		return new CacheGeneration(this.tenants.getOrDefault(tenant, 0L),
				this.caches.getOrDefault(new Part(tenant, cacheName), 0L));
	}

	@Override
	public void evictTenant(TenantId tenant) {
		this.tenants.merge(tenant, 1L, Long::sum);
	}

	@Override
	public void clearCache(TenantId tenant, String cacheName) {
		this.caches.merge(new Part(tenant, cacheName), 1L, Long::sum);
	}

	private record Part(TenantId tenant, String cacheName) {

	}

}
