package dev.tenancy.cache;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

import dev.tenancy.TenantId;

/**
 * A cache manager whose caches are {@linkplain TenantScopedCache tenant-scoped}, in front
 * of any other (Redis, Caffeine, a concurrent map...), except the caches named as global,
 * whose entries are deliberately shared by all tenants and which are handed out as they
 * are.
 * <p>
 * {@link #evictTenant(TenantId)} evicts all of a tenant's entries in every cache, by
 * moving its generation on (one write, whatever the number of entries); entries that live
 * in this instance's memory are removed at once too.
 */
public final class TenantScopedCacheManager implements CacheManager {

	private static final Logger logger = LoggerFactory.getLogger(TenantScopedCacheManager.class);

	private final CacheManager delegate;

	private final TenantCacheGenerations generations;

	private final Set<String> globalCaches;

	private final ConcurrentMap<String, TenantScopedCache> scoped = new ConcurrentHashMap<>();

	/**
	 * Scope the caches of a cache manager.
	 * @param delegate the underlying cache manager
	 * @param generations where generations are kept (in Redis when the caches are)
	 * @param globalCaches the names of caches shared by all tenants
	 */
	public TenantScopedCacheManager(CacheManager delegate, TenantCacheGenerations generations,
			Collection<String> globalCaches) {
		this.delegate = Objects.requireNonNull(delegate, "delegate");
		this.generations = Objects.requireNonNull(generations, "generations");
		this.globalCaches = Set.copyOf(globalCaches);
	}

	@Override
	public Cache getCache(String name) {
		Cache cache = this.delegate.getCache(name);
		if (cache == null || this.globalCaches.contains(name)) {
			return cache;
		}
		TenantScopedCache known = this.scoped.get(name);
		if (known != null && known.getDelegate() == cache) {
			return known;
		}
		TenantScopedCache created = new TenantScopedCache(cache, this.generations);
		this.scoped.put(name, created);
		return created;
	}

	@Override
	public Collection<String> getCacheNames() {
		return this.delegate.getCacheNames();
	}

	/**
	 * Evict all of a tenant's entries in every tenant-scoped cache (global caches are
	 * left alone).
	 * @param tenant the tenant
	 */
	public void evictTenant(TenantId tenant) {
		Objects.requireNonNull(tenant, "tenant");
		this.generations.evictTenant(tenant);
		for (String name : this.delegate.getCacheNames()) {
			Cache cache = this.delegate.getCache(name);
			if (cache != null && !this.globalCaches.contains(name)) {
				TenantScopedCache.removeLocalEntries(cache, tenant);
			}
		}
		logger.info("Evicted all cache entries of tenant {}", tenant);
	}

	/**
	 * @return the underlying cache manager
	 */
	public CacheManager getDelegate() {
		return this.delegate;
	}

	/**
	 * @return the names of the caches shared by all tenants
	 */
	public Set<String> getGlobalCaches() {
		return this.globalCaches;
	}

}
