package dev.tenancy.sample.helpdesk;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lettuce.core.ClientOptions;

import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.cache.Cache;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.interceptor.CacheErrorHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessException;

/**
 * The search cache is only a shortcut: while Redis cannot answer, searches go to
 * PostgreSQL (slower, never failed). Spring's default error handler rethrows a cache's
 * failure, which would turn a Redis outage into failed searches.
 * <p>
 * Only Redis's own failures ({@link DataAccessException}) are passed over; anything else
 * (a cache call without a tenant, say, which the tenancy starter refuses) still fails the
 * call. An eviction that fails leaves an entry that may be outdated until its time to
 * live ({@code spring.cache.redis.time-to-live}) ends it.
 */
@Configuration(proxyBeanMethods = false)
class HelpdeskCacheConfiguration implements CachingConfigurer {

	@Override
	public CacheErrorHandler errorHandler() {
		return new RedisOutageTolerance();
	}

	/**
	 * While the connection to Redis is down, cache calls fail at once instead of waiting
	 * in Lettuce's queue for the reconnection (up to {@code spring.data.redis.timeout}),
	 * so searches are answered from the database without delay.
	 * @return the customizer
	 */
	@Bean
	LettuceClientOptionsBuilderCustomizer rejectCacheCallsWhileRedisIsAway() {
		return (options) -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
	}

	/** Logs Redis failures (at most one line every 10 s) and lets the call go on. */
	static final class RedisOutageTolerance implements CacheErrorHandler {

		private static final Logger logger = LoggerFactory.getLogger(RedisOutageTolerance.class);

		private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

		private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

		private final AtomicLong passedOver = new AtomicLong();

		@Override
		public void handleCacheGetError(RuntimeException exception, Cache cache, Object key) {
			passOver(exception, cache, "read (answered from the database)");
		}

		@Override
		public void handleCachePutError(RuntimeException exception, Cache cache, Object key, Object value) {
			passOver(exception, cache, "write (not cached)");
		}

		@Override
		public void handleCacheEvictError(RuntimeException exception, Cache cache, Object key) {
			passOver(exception, cache, "eviction (an entry may be outdated until its time to live)");
		}

		@Override
		public void handleCacheClearError(RuntimeException exception, Cache cache) {
			passOver(exception, cache, "eviction (entries may be outdated until their time to live)");
		}

		private void passOver(RuntimeException exception, Cache cache, String what) {
			if (!(exception instanceof DataAccessException)) {
				throw exception;
			}
			long count = this.passedOver.incrementAndGet();
			long now = System.nanoTime();
			long last = this.lastLogged.get();
			if (now - last >= LOG_EVERY_NANOS && this.lastLogged.compareAndSet(last, now)) {
				logger.warn("Cache {} failed a {}; {} cache call(s) passed over so far: {}", cache.getName(), what,
						count, exception.getMessage());
			}
		}

		long passedOver() {
			return this.passedOver.get();
		}

	}

}
