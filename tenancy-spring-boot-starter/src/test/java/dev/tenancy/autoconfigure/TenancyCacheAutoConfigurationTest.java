package dev.tenancy.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.RedisCacheManagerBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.tenancy.TenantId;
import dev.tenancy.cache.LocalTenantCacheGenerations;
import dev.tenancy.cache.NoTenantForCacheException;
import dev.tenancy.cache.RedisTenantCacheGenerations;
import dev.tenancy.cache.TenantCacheGenerations;
import dev.tenancy.cache.TenantCaches;
import dev.tenancy.cache.TenantScopedCacheManager;
import dev.tenancy.context.TenantContext;
import dev.tenancy.registry.TenantChangedEvent;
import dev.tenancy.test.TestServices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Adding the starter is enough for plain {@code @Cacheable} to be tenant-scoped, with
 * Boot's Caffeine and Redis cache managers alike; the starter backs off when asked to,
 * and does nothing without Boot's cache support.
 */
class TenancyCacheAutoConfigurationTest {

	static final TenantId ACME = TenantId.of("acme");

	static final TenantId GLOBEX = TenantId.of("globex");

	static final String PREFIX = "tenancy-test:" + UUID.randomUUID().toString().substring(0, 8) + ":";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CacheAutoConfiguration.class, TenancyCacheAutoConfiguration.class))
		.withUserConfiguration(CachingApplication.class);

	@AfterAll
	static void deleteRedisKeys() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.url=" + TestServices.redisUrl())
			.run((context) -> {
				StringRedisTemplate redis = new StringRedisTemplate(context.getBean(RedisConnectionFactory.class));
				redis.afterPropertiesSet();
				List<String> keys = new ArrayList<>();
				try (Cursor<String> cursor = redis.scan(ScanOptions.scanOptions().match(PREFIX + "*").build())) {
					cursor.forEachRemaining(keys::add);
				}
				if (!keys.isEmpty()) {
					redis.delete(keys);
				}
			});
	}

	static String as(TenantId tenant, java.util.function.Supplier<String> work) {
		return TenantContext.supply(tenant, work);
	}

	@Test
	void cacheableIsTenantScopedWithBootsCaffeineCacheManager() {
		this.runner.withPropertyValues("spring.cache.type=caffeine", "tenancy.cache.global-caches=countries")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				CacheManager manager = context.getBean(CacheManager.class);
				assertThat(manager).isInstanceOf(TenantScopedCacheManager.class);
				assertThat(((TenantScopedCacheManager) manager).getDelegate()).isInstanceOf(CaffeineCacheManager.class);
				assertThat(context).hasSingleBean(LocalTenantCacheGenerations.class);
				assertProbe(context.getBean(TripService.class), context.getBean(TenantCaches.class));
			});
	}

	@Test
	void cacheableIsTenantScopedWithBootsRedisCacheManagerAndGenerationsInRedis() {
		this.runner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			// Spring Data Redis 4 writes asynchronously by default; the probe reads at
			// once
			.withUserConfiguration(ImmediateRedisWrites.class)
			.withPropertyValues("spring.cache.type=redis", "spring.data.redis.url=" + TestServices.redisUrl(),
					"spring.cache.redis.key-prefix=" + PREFIX, "spring.cache.redis.time-to-live=5m",
					"tenancy.cache.redis.generation-key-prefix=" + PREFIX + "generations:",
					"tenancy.cache.global-caches=countries")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(RedisTenantCacheGenerations.class);
				assertProbe(context.getBean(TripService.class), context.getBean(TenantCaches.class));
				// a suspension reported by the registry evicts the tenant's entries
				TripService trips = context.getBean(TripService.class);
				String before = as(GLOBEX, () -> trips.trip("9"));
				context.publishEvent(new TenantChangedEvent(GLOBEX, "suspended", 3));
				assertThat(as(GLOBEX, () -> trips.trip("9"))).isNotEqualTo(before);
			});
	}

	private static void assertProbe(TripService trips, TenantCaches caches) {
		String acme = as(ACME, () -> trips.trip("42"));
		String globex = as(GLOBEX, () -> trips.trip("42"));
		assertThat(acme).startsWith("acme's trip 42");
		assertThat(globex).startsWith("globex's trip 42");
		assertThat(as(ACME, () -> trips.trip("42"))).isEqualTo(acme);
		assertThatThrownBy(() -> trips.trip("42")).isInstanceOf(NoTenantForCacheException.class);
		// a global cache is shared, and needs no tenant
		assertThat(trips.country("fr")).isEqualTo(as(ACME, () -> trips.country("fr")));
		assertThat(caches.evict(ACME)).isEqualTo(1);
		assertThat(as(ACME, () -> trips.trip("42"))).isNotEqualTo(acme);
		assertThat(as(GLOBEX, () -> trips.trip("42"))).isEqualTo(globex);
	}

	@Test
	void anApplicationsOwnCacheManagerIsScopedAndItsOwnGenerationsAreUsed() {
		TenantCacheGenerations own = new LocalTenantCacheGenerations();
		this.runner.withBean("ownGenerations", TenantCacheGenerations.class, () -> own)
			.withBean(CacheManager.class, ConcurrentMapCacheManager::new)
			.run((context) -> {
				assertThat(context).hasSingleBean(TenantCacheGenerations.class);
				assertThat(context.getBean(CacheManager.class)).isInstanceOf(TenantScopedCacheManager.class);
				TripService trips = context.getBean(TripService.class);
				String acme = as(ACME, () -> trips.trip("1"));
				own.evictTenant(ACME);
				assertThat(as(ACME, () -> trips.trip("1"))).isNotEqualTo(acme);
			});
	}

	@Test
	void turnedOffOrWithoutBootsCacheSupportCachesAreLeftAlone() {
		this.runner.withPropertyValues("tenancy.cache.enabled=false").run((context) -> {
			assertThat(context.getBean(CacheManager.class)).isNotInstanceOf(TenantScopedCacheManager.class);
			assertThat(context).doesNotHaveBean(TenantCaches.class);
		});
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TenancyCacheAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.cache."))
			.withBean(CacheManager.class, ConcurrentMapCacheManager::new)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(CacheManager.class)).isInstanceOf(ConcurrentMapCacheManager.class);
				assertThat(context).doesNotHaveBean(TenantCaches.class);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class ImmediateRedisWrites {

		@Bean
		RedisCacheManagerBuilderCustomizer immediateWrites(RedisConnectionFactory connectionFactory) {
			return (builder) -> builder
				.cacheWriter(RedisCacheWriter.create(connectionFactory, (writer) -> writer.immediateWrites()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingApplication {

		@Bean
		TripService tripService() {
			return new TripService();
		}

	}

	static class TripService {

		private final AtomicInteger calls = new AtomicInteger();

		@Cacheable("trips")
		public String trip(String id) {
			return TenantContext.require() + "'s trip " + id + " #" + this.calls.incrementAndGet();
		}

		@Cacheable("countries")
		public String country(String code) {
			return code + " #" + this.calls.incrementAndGet();
		}

	}

}
