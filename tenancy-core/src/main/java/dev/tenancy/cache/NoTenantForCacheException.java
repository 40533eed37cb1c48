package dev.tenancy.cache;

/**
 * A tenant-scoped cache was used with no tenant in context. Sharing one entry between all
 * tenants would be the leak this package exists to prevent, so the call fails instead.
 */
public class NoTenantForCacheException extends IllegalStateException {

	/**
	 * Create an exception.
	 * @param cacheName the cache
	 */
	public NoTenantForCacheException(String cacheName) {
		super("Cache '" + cacheName + "' is tenant-scoped and was used with no tenant in context: run the work "
				+ "for a tenant (a request, TenantWork, a tenant-carrying message) or, if its entries are "
				+ "deliberately shared by all tenants, list it in tenancy.cache.global-caches");
	}

}
