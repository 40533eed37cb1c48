package dev.tenancy.cache;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.springframework.cache.Cache;

import dev.tenancy.TenantId;
import dev.tenancy.context.TenantContext;

/**
 * A cache whose every entry belongs to the tenant in context when it is used: keys become
 * {@link TenantCacheKey}s (tenant, its current generations, the application's key), so
 * the same application key under two tenants names two entries, and a call with no tenant
 * throws {@link NoTenantForCacheException}.
 * <p>
 * {@link #clear()} and {@link #invalidate()} clear the current tenant's part of the cache
 * only, by moving its cache generation on; other tenants keep their entries.
 */
public final class TenantScopedCache implements Cache {

	private final Cache delegate;

	private final TenantCacheGenerations generations;

	/**
	 * Scope a cache.
	 * @param delegate the underlying cache
	 * @param generations where generations are kept
	 */
	public TenantScopedCache(Cache delegate, TenantCacheGenerations generations) {
		this.delegate = delegate;
		this.generations = generations;
	}

	private TenantId tenant() {
		return TenantContext.current().orElseThrow(() -> new NoTenantForCacheException(getName()));
	}

	private TenantCacheKey scoped(Object key) {
		TenantId tenant = tenant();
		CacheGeneration generation = this.generations.current(tenant, getName());
		return new TenantCacheKey(tenant, generation.tenant(), generation.cache(), key);
	}

	/**
	 * @return the underlying cache
	 */
	public Cache getDelegate() {
		return this.delegate;
	}

	@Override
	public String getName() {
		return this.delegate.getName();
	}

	@Override
	public Object getNativeCache() {
		return this.delegate.getNativeCache();
	}

	@Override
	public ValueWrapper get(Object key) {
		return this.delegate.get(scoped(key));
	}

	@Override
	public <T> T get(Object key, Class<T> type) {
		return this.delegate.get(scoped(key), type);
	}

	@Override
	public <T> T get(Object key, Callable<T> valueLoader) {
		return this.delegate.get(scoped(key), valueLoader);
	}

	@Override
	public CompletableFuture<?> retrieve(Object key) {
		return this.delegate.retrieve(scoped(key));
	}

	@Override
	public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
		return this.delegate.retrieve(scoped(key), valueLoader);
	}

	@Override
	public void put(Object key, Object value) {
		this.delegate.put(scoped(key), value);
	}

	@Override
	public ValueWrapper putIfAbsent(Object key, Object value) {
		return this.delegate.putIfAbsent(scoped(key), value);
	}

	@Override
	public void evict(Object key) {
		this.delegate.evict(scoped(key));
	}

	@Override
	public boolean evictIfPresent(Object key) {
		return this.delegate.evictIfPresent(scoped(key));
	}

	@Override
	public void clear() {
		TenantId tenant = tenant();
		this.generations.clearCache(tenant, getName());
		removeLocalEntries(this.delegate, tenant);
	}

	@Override
	public boolean invalidate() {
		clear();
		return true;
	}

	/**
	 * Remove a tenant's entries from a cache that lives in this instance's memory
	 * (Caffeine, a concurrent map), so that entries of old generations do not wait for
	 * expiry or size eviction; other caches are left to their time-to-live.
	 * @param cache the underlying cache
	 * @param tenant the tenant
	 */
	static void removeLocalEntries(Cache cache, TenantId tenant) {
		Map<Object, Object> entries = localEntries(cache.getNativeCache());
		if (entries != null) {
			entries.keySet().removeIf((key) -> key instanceof TenantCacheKey scoped && scoped.tenant().equals(tenant));
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<Object, Object> localEntries(Object nativeCache) {
		if (nativeCache instanceof com.github.benmanes.caffeine.cache.Cache<?, ?> caffeine) {
			return (Map<Object, Object>) caffeine.asMap();
		}
		if (nativeCache instanceof java.util.concurrent.ConcurrentMap<?, ?> map) {
			return (Map<Object, Object>) map;
		}
		return null;
	}

	@Override
	public String toString() {
		return "TenantScopedCache[" + getName() + "]";
	}

}
