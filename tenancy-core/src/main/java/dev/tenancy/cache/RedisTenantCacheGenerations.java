package dev.tenancy.cache;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.HashOperations;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.tenancy.TenantId;

/**
 * Cache generations in Redis, shared by every instance: one hash per tenant,
 * <code>&lt;prefix&gt;{tenant}</code>, with the field {@value #TENANT_FIELD} for the
 * tenant's generation and <code>cache:&lt;name&gt;</code> for each cache's. Evicting a
 * tenant is one {@code HINCRBY}, whatever the number of its entries: the old entries are
 * never read again and go with their time-to-live (so Redis caches need one, see
 * {@code spring.cache.redis.time-to-live}).
 * <p>
 * Each instance keeps what it read for {@code localTtl}, so a lookup costs no round trip
 * in the common case; an eviction made by another instance is seen once that has passed
 * (the instance that evicts sees it at once). The hash has no expiry: it is a few bytes
 * per tenant, and losing it would bring old generations back.
 */
public final class RedisTenantCacheGenerations implements TenantCacheGenerations {

	/** The hash field of the tenant's generation. */
	public static final String TENANT_FIELD = "tenant";

	private static final String CACHE_FIELD_PREFIX = "cache:";

	private final HashOperations<String, String, String> hashes;

	private final String prefix;

	private final Cache<Part, CacheGeneration> recent;

	/**
	 * Generations in one Redis.
	 * @param connectionFactory the Redis the caches use
	 * @param prefix the prefix of the hash keys, such as
	 * {@code tenancy:cache-generations:}
	 * @param localTtl how long an instance keeps generations it read
	 */
	public RedisTenantCacheGenerations(RedisConnectionFactory connectionFactory, String prefix, Duration localTtl) {
		Objects.requireNonNull(connectionFactory, "connectionFactory");
		this.prefix = Objects.requireNonNull(prefix, "prefix");
		StringRedisTemplate template = new StringRedisTemplate(connectionFactory);
		template.afterPropertiesSet();
		this.hashes = template.opsForHash();
		// zero: every lookup reads Redis (no cache at all: a size-0 Caffeine cache still
		// holds an entry until its asynchronous eviction runs)
		boolean keep = !localTtl.isZero() && !localTtl.isNegative();
		this.recent = keep ? Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(localTtl).build() : null;
	}

	/**
	 * The key of a tenant's hash.
	 * @param tenant the tenant
	 * @return the key
	 */
	public String key(TenantId tenant) {
		return this.prefix + "{" + tenant.value() + "}";
	}

	@Override
	public CacheGeneration current(TenantId tenant, String cacheName) {
		Part part = new Part(tenant, cacheName);
		return (this.recent != null) ? this.recent.get(part, this::read) : read(part);
	}

	private CacheGeneration read(Part part) {
		List<String> values = this.hashes.multiGet(key(part.tenant()),
				List.of(TENANT_FIELD, CACHE_FIELD_PREFIX + part.cacheName()));
		return new CacheGeneration(parse(values.get(0)), parse(values.get(1)));
	}

	private static long parse(String value) {
		return (value != null) ? Long.parseLong(value) : 0L;
	}

	@Override
	public void evictTenant(TenantId tenant) {
		this.hashes.increment(key(tenant), TENANT_FIELD, 1);
		if (this.recent != null) {
			this.recent.asMap().keySet().removeIf((part) -> part.tenant().equals(tenant));
		}
	}

	@Override
	public void clearCache(TenantId tenant, String cacheName) {
		this.hashes.increment(key(tenant), CACHE_FIELD_PREFIX + cacheName, 1);
		if (this.recent != null) {
			this.recent.invalidate(new Part(tenant, cacheName));
		}
	}

	private record Part(TenantId tenant, String cacheName) {

	}

}
