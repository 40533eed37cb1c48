package dev.tenancy.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.tenancy.TenantId;
import dev.tenancy.context.TenantContext;
import dev.tenancy.test.TestServices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cache probe, on Caffeine and on the real Redis: the same key under two tenants
 * names two entries, a call without a tenant fails, and evicting or clearing one tenant
 * leaves the others' entries.
 */
class TenantScopedCacheTest {

	static final TenantId ACME = TenantId.of("acme");

	static final TenantId GLOBEX = TenantId.of("globex");

	/** Every Redis key of this run starts with it, and is deleted at the end. */
	static final String PREFIX = "tenancy-test:" + UUID.randomUUID().toString().substring(0, 8) + ":";

	static LettuceConnectionFactory redis;

	static StringRedisTemplate keys;

	@BeforeAll
	static void connect() {
		java.net.URI uri = TestServices.redisUri();
		redis = new LettuceConnectionFactory(new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
		redis.afterPropertiesSet();
		redis.start();
		keys = new StringRedisTemplate(redis);
		keys.afterPropertiesSet();
	}

	@AfterAll
	static void deleteKeysAndDisconnect() {
		List<String> found = new ArrayList<>();
		try (Cursor<String> cursor = keys.scan(ScanOptions.scanOptions().match(PREFIX + "*").count(1000).build())) {
			cursor.forEachRemaining(found::add);
		}
		if (!found.isEmpty()) {
			keys.delete(found);
		}
		redis.destroy();
	}

	static List<Arguments> managers() {
		// each test its own keys: a fresh run of the same test must not see an earlier
		// one's
		String run = PREFIX + UUID.randomUUID().toString().substring(0, 8) + ":";
		CaffeineCacheManager caffeine = new CaffeineCacheManager();
		TenantScopedCacheManager local = new TenantScopedCacheManager(caffeine, new LocalTenantCacheGenerations(),
				Set.of("countries"));
		RedisCacheManager redisCaches = RedisCacheManager.builder(immediateWrites())
			.cacheDefaults(RedisCacheConfiguration.defaultCacheConfig()
				.prefixCacheNameWith(run)
				.entryTtl(Duration.ofMinutes(5)))
			.build();
		redisCaches.afterPropertiesSet();
		TenantScopedCacheManager shared = new TenantScopedCacheManager(redisCaches,
				new RedisTenantCacheGenerations(redis, run + "generations:", Duration.ofSeconds(1)),
				Set.of("countries"));
		return List.of(Arguments.of("caffeine", local), Arguments.of("redis", shared));
	}

	/**
	 * Spring Data Redis 4 writes cache entries asynchronously by default: a read right
	 * after a write may miss it. The probes read right after writing, so they write at
	 * once.
	 */
	static RedisCacheWriter immediateWrites() {
		return RedisCacheWriter.create(redis, (writer) -> writer.immediateWrites());
	}

	static <T> T as(TenantId tenant, java.util.function.Supplier<T> work) {
		return TenantContext.supply(tenant, work);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("managers")
	void sameKeyUnderTwoTenantsNamesTwoEntries(String kind, TenantScopedCacheManager manager) {
		Cache trips = manager.getCache("trips");
		as(ACME, () -> {
			trips.put("42", "acme's trip");
			return null;
		});
		assertThat(as(GLOBEX, () -> trips.get("42"))).isNull();
		as(GLOBEX, () -> {
			trips.put("42", "globex's trip");
			return null;
		});
		assertThat(as(ACME, () -> trips.get("42", String.class))).isEqualTo("acme's trip");
		assertThat(as(GLOBEX, () -> trips.get("42", String.class))).isEqualTo("globex's trip");
		// the loader runs once per tenant, never handing one tenant's value to the other
		AtomicInteger loads = new AtomicInteger();
		assertThat(as(ACME, () -> trips.get("7", () -> "acme-" + loads.incrementAndGet()))).isEqualTo("acme-1");
		assertThat(as(GLOBEX, () -> trips.get("7", () -> "globex-" + loads.incrementAndGet()))).isEqualTo("globex-2");
		assertThat(as(ACME, () -> trips.get("7", () -> "acme-" + loads.incrementAndGet()))).isEqualTo("acme-1");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("managers")
	void aCacheCallWithoutATenantFails(String kind, TenantScopedCacheManager manager) {
		Cache trips = manager.getCache("trips");
		as(ACME, () -> {
			trips.put("42", "acme's trip");
			return null;
		});
		assertThatThrownBy(() -> trips.get("42")).isInstanceOf(NoTenantForCacheException.class)
			.hasMessageContaining("'trips'")
			.hasMessageContaining("tenancy.cache.global-caches");
		assertThatThrownBy(() -> trips.put("42", "nobody's")).isInstanceOf(NoTenantForCacheException.class);
		assertThatThrownBy(trips::clear).isInstanceOf(NoTenantForCacheException.class);
		assertThat(as(ACME, () -> trips.get("42", String.class))).isEqualTo("acme's trip");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("managers")
	void evictingATenantLeavesTheOtherTenantsEntries(String kind, TenantScopedCacheManager manager) {
		Cache trips = manager.getCache("trips");
		Cache answers = manager.getCache("answers");
		for (TenantId tenant : List.of(ACME, GLOBEX)) {
			as(tenant, () -> {
				trips.put("42", tenant + "'s trip");
				answers.put("refunds", tenant + "'s answer");
				return null;
			});
		}
		manager.evictTenant(ACME);
		assertThat(as(ACME, () -> trips.get("42"))).isNull();
		assertThat(as(ACME, () -> answers.get("refunds"))).isNull();
		assertThat(as(GLOBEX, () -> trips.get("42", String.class))).isEqualTo("globex's trip");
		assertThat(as(GLOBEX, () -> answers.get("refunds", String.class))).isEqualTo("globex's answer");
		// the evicted tenant caches again from nothing
		as(ACME, () -> {
			trips.put("42", "acme's new trip");
			return null;
		});
		assertThat(as(ACME, () -> trips.get("42", String.class))).isEqualTo("acme's new trip");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("managers")
	void clearingACacheClearsOnlyTheCurrentTenantsPartOfIt(String kind, TenantScopedCacheManager manager) {
		Cache trips = manager.getCache("trips");
		Cache answers = manager.getCache("answers");
		for (TenantId tenant : List.of(ACME, GLOBEX)) {
			as(tenant, () -> {
				trips.put("42", tenant + "'s trip");
				answers.put("refunds", tenant + "'s answer");
				return null;
			});
		}
		as(ACME, () -> {
			trips.clear();
			return null;
		});
		assertThat(as(ACME, () -> trips.get("42"))).isNull();
		assertThat(as(ACME, () -> answers.get("refunds", String.class))).isEqualTo("acme's answer");
		assertThat(as(GLOBEX, () -> trips.get("42", String.class))).isEqualTo("globex's trip");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("managers")
	void globalCachesAreSharedAndNeedNoTenant(String kind, TenantScopedCacheManager manager) {
		Cache countries = manager.getCache("countries");
		assertThat(countries).isNotInstanceOf(TenantScopedCache.class);
		countries.put("fr", "France");
		assertThat(as(ACME, () -> countries.get("fr", String.class))).isEqualTo("France");
		assertThat(as(GLOBEX, () -> countries.get("fr", String.class))).isEqualTo("France");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("managers")
	void hostileKeysCannotReachAnotherTenantsEntry(String kind, TenantScopedCacheManager manager) {
		Cache trips = manager.getCache("trips");
		as(GLOBEX, () -> {
			trips.put("42", "globex's trip");
			return null;
		});
		// keys that spell another tenant's key layout stay the current tenant's own keys
		for (String hostile : List.of("{globex}:g0.0:42", "}:g0.0:42", "42\u0000", "trips::{globex}:g0.0:42")) {
			assertThat(as(ACME, () -> trips.get(hostile))).as(hostile).isNull();
		}
	}

	@org.junit.jupiter.api.Test
	void redisKeysCarryTheTenantAsAHashTagAndItsGenerations() {
		RedisCacheManager redisCaches = RedisCacheManager.builder(immediateWrites())
			.cacheDefaults(RedisCacheConfiguration.defaultCacheConfig()
				.prefixCacheNameWith(PREFIX)
				.entryTtl(Duration.ofMinutes(5)))
			.build();
		redisCaches.afterPropertiesSet();
		RedisTenantCacheGenerations generations = new RedisTenantCacheGenerations(redis, PREFIX + "layout:",
				Duration.ZERO);
		TenantScopedCacheManager manager = new TenantScopedCacheManager(redisCaches, generations, Set.of());
		Cache trips = manager.getCache("trips");
		as(ACME, () -> {
			trips.put("42", "acme's trip");
			return null;
		});
		assertThat(keys.hasKey(PREFIX + "trips::{acme}:g0.0:42")).isTrue();
		manager.evictTenant(ACME);
		assertThat(keys.opsForHash().get(PREFIX + "layout:{acme}", RedisTenantCacheGenerations.TENANT_FIELD))
			.isEqualTo("1");
		as(ACME, () -> {
			trips.put("42", "acme's next trip");
			trips.clear();
			trips.put("42", "acme's last trip");
			return null;
		});
		assertThat(keys.hasKey(PREFIX + "trips::{acme}:g1.1:42")).isTrue();
		// old generations are never read again and expire with their time-to-live
		assertThat(keys.getExpire(PREFIX + "trips::{acme}:g0.0:42")).isPositive();
	}

}
