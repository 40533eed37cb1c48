package dev.tenancy.cache;

import dev.tenancy.TenantId;

/**
 * Where the cache generations of tenants are kept: in this instance's memory for caches
 * that live in memory, in Redis for caches that live in Redis (so that every instance
 * sees an eviction).
 */
public interface TenantCacheGenerations {

	/**
	 * The generations a tenant's entries of a cache are currently under.
	 * @param tenant the tenant
	 * @param cacheName the cache
	 * @return the generations
	 */
	CacheGeneration current(TenantId tenant, String cacheName);

	/**
	 * Move the tenant's generation on: none of its entries in any cache is read again.
	 * @param tenant the tenant
	 */
	void evictTenant(TenantId tenant);

	/**
	 * Move the generation of the tenant's part of one cache on.
	 * @param tenant the tenant
	 * @param cacheName the cache
	 */
	void clearCache(TenantId tenant, String cacheName);

}
