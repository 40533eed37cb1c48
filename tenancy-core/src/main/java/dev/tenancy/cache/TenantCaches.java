package dev.tenancy.cache;

import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.springframework.cache.CacheManager;

import dev.tenancy.TenantId;

/**
 * The application's entry point to per-tenant eviction: evicts all of a tenant's entries
 * in every {@link TenantScopedCacheManager} of the application (a manager that is not
 * tenant-scoped has no tenant entries to evict).
 */
public final class TenantCaches {

	private final Supplier<Stream<CacheManager>> cacheManagers;

	/**
	 * Eviction over some cache managers.
	 * @param cacheManagers the application's cache managers, looked up at each eviction
	 */
	public TenantCaches(Supplier<Stream<CacheManager>> cacheManagers) {
		this.cacheManagers = Objects.requireNonNull(cacheManagers, "cacheManagers");
	}

	/**
	 * Evict all of a tenant's entries, in every tenant-scoped cache.
	 * @param tenant the tenant
	 * @return how many tenant-scoped cache managers it was evicted from
	 */
	public int evict(TenantId tenant) {
		Objects.requireNonNull(tenant, "tenant");
		int evicted = 0;
		for (CacheManager manager : this.cacheManagers.get().toList()) {
			if (manager instanceof TenantScopedCacheManager scoped) {
				scoped.evictTenant(tenant);
				evicted++;
			}
		}
		return evicted;
	}

}
