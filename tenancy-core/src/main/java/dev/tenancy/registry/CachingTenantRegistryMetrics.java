package dev.tenancy.registry;

import com.github.benmanes.caffeine.cache.Cache;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

/**
 * The tenant cache's size, hits, misses and evictions, as Micrometer's cache meters
 * ({@code cache.size}, {@code cache.gets} with {@code result} = hit|miss,
 * {@code cache.evictions}, ...) tagged {@code cache} = {@value #CACHE_NAME}.
 */
public final class CachingTenantRegistryMetrics implements MeterBinder {

	/** The value of the {@code cache} tag. */
	public static final String CACHE_NAME = "tenancy.registry";

	private final CachingTenantRegistry registry;

	/**
	 * Metrics of a caching registry.
	 * @param registry the registry
	 */
	public CachingTenantRegistryMetrics(CachingTenantRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void bindTo(MeterRegistry meterRegistry) {
		bind(meterRegistry, this.registry.cache());
	}

	private static <K, V> void bind(MeterRegistry meterRegistry, Cache<K, V> cache) {
		new CaffeineCacheMetrics<K, V, Cache<K, V>>(cache, CACHE_NAME, Tags.empty()).bindTo(meterRegistry);
	}

}
