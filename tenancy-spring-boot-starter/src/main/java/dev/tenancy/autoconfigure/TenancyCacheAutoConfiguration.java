package dev.tenancy.autoconfigure;

import java.util.Set;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.tenancy.cache.LocalTenantCacheGenerations;
import dev.tenancy.cache.RedisTenantCacheGenerations;
import dev.tenancy.cache.TenantCacheEvictionListener;
import dev.tenancy.cache.TenantCacheGenerations;
import dev.tenancy.cache.TenantCaches;
import dev.tenancy.registry.TenantChangedEvent;

/**
 * Tenant-scoped Spring Cache: with Spring Boot's cache support on the class path, every
 * {@link CacheManager} bean becomes a {@link dev.tenancy.cache.TenantScopedCacheManager},
 * so plain {@code @Cacheable} entries belong to the tenant in context (except the caches
 * in {@code tenancy.cache.global-caches}), and all of a tenant's entries are evicted on
 * the registry changes in {@code tenancy.cache.evict-on}. Generations are kept in Redis
 * when the caches are Redis's ({@code spring.cache.type} redis or unset, with a
 * {@link RedisConnectionFactory}), in memory otherwise; an application's own
 * {@link TenantCacheGenerations} bean replaces both.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration" })
@ConditionalOnClass(name = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnBooleanProperty(name = "tenancy.cache.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TenancyCacheProperties.class)
public final class TenancyCacheAutoConfiguration {

	@Bean
	static TenantScopedCacheManagerPostProcessor tenantScopedCacheManagerPostProcessor(
			ObjectProvider<TenantCacheGenerations> generations, ObjectProvider<TenancyCacheProperties> properties) {
		return new TenantScopedCacheManagerPostProcessor(generations, properties);
	}

	/**
	 * The fallback: registered after the nested Redis configuration's bean (member
	 * classes come before the outer class's own bean methods).
	 */
	@Bean
	@ConditionalOnMissingBean(TenantCacheGenerations.class)
	LocalTenantCacheGenerations localTenantCacheGenerations() {
		return new LocalTenantCacheGenerations();
	}

	@Bean
	@ConditionalOnMissingBean
	TenantCaches tenantCaches(ObjectProvider<CacheManager> cacheManagers) {
		return new TenantCaches(cacheManagers::orderedStream);
	}

	@Bean
	ApplicationListener<PayloadApplicationEvent<TenantChangedEvent>> tenantCacheEvictionListener(TenantCaches caches,
			TenancyCacheProperties properties) {
		TenantCacheEvictionListener listener = new TenantCacheEvictionListener(caches,
				Set.copyOf(properties.evictOn()));
		return ApplicationListener.forPayload(listener);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RedisCacheManager.class, RedisConnectionFactory.class })
	@ConditionalOnProperty(name = "spring.cache.type", havingValue = "redis", matchIfMissing = true)
	static class RedisGenerationsConfiguration {

		@Bean
		@ConditionalOnMissingBean(TenantCacheGenerations.class)
		@ConditionalOnBean(RedisConnectionFactory.class)
		RedisTenantCacheGenerations redisTenantCacheGenerations(RedisConnectionFactory connectionFactory,
				TenancyCacheProperties properties) {
			TenancyCacheProperties.Redis redis = properties.redis();
			return new RedisTenantCacheGenerations(connectionFactory, redis.generationKeyPrefix(),
					redis.generationLocalTtl());
		}

	}

}
