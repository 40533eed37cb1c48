package dev.tenancy.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cache.CacheManager;

import dev.tenancy.cache.TenantCacheGenerations;
import dev.tenancy.cache.TenantScopedCacheManager;

/**
 * Makes every {@link CacheManager} bean (Boot's or the application's own) a
 * {@link TenantScopedCacheManager}; one that already is one is left as it is.
 */
final class TenantScopedCacheManagerPostProcessor implements BeanPostProcessor {

	private final ObjectProvider<TenantCacheGenerations> generations;

	private final ObjectProvider<TenancyCacheProperties> properties;

	TenantScopedCacheManagerPostProcessor(ObjectProvider<TenantCacheGenerations> generations,
			ObjectProvider<TenancyCacheProperties> properties) {
		this.generations = generations;
		this.properties = properties;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof CacheManager manager && !(bean instanceof TenantScopedCacheManager)) {
			return new TenantScopedCacheManager(manager, this.generations.getObject(),
					this.properties.getObject().globalCaches());
		}
		return bean;
	}

}
