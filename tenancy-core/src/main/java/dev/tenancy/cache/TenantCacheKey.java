package dev.tenancy.cache;

import java.util.Objects;

import dev.tenancy.TenantId;

/**
 * The key a tenant-scoped cache gives its underlying cache: the tenant, the generations
 * it is read under, and the application's own key.
 * <p>
 * Equality (for in-memory caches such as Caffeine) covers all four. As a string (what
 * {@code RedisCache} stores, after its {@code <cache name>::} prefix) it is
 * <code>{tenant}:g&lt;tenant generation&gt;.&lt;cache generation&gt;:&lt;key&gt;</code>:
 * the tenant is a Redis Cluster hash tag, so all of a tenant's entries share one slot,
 * and since a tenant id never holds {@code '}'} nor {@code ':'}, no application key can
 * make one tenant's string equal another's.
 *
 * @param tenant the tenant
 * @param tenantGeneration the tenant's generation (moves on when all its entries are
 * evicted)
 * @param cacheGeneration the generation of this tenant's part of the cache (moves on when
 * the cache is cleared for the tenant)
 * @param key the application's key
 */
public record TenantCacheKey(TenantId tenant, long tenantGeneration, long cacheGeneration, Object key) {

	public TenantCacheKey {
		Objects.requireNonNull(tenant, "tenant");
		Objects.requireNonNull(key, "key");
	}

	@Override
	public String toString() {
		return "{" + this.tenant.value() + "}:g" + this.tenantGeneration + "." + this.cacheGeneration + ":" + this.key;
	}

}
