package dev.tenancy.ratelimit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.RemoteAsyncBucketBuilder;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce.LettuceBasedProxyManagerBuilder;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.ratelimit.RateLimitDecision.Source;

/**
 * The distributed limiter: bucket4j token buckets in Redis through Lettuce, asynchronous.
 * <p>
 * Every bucket is one Redis string (bucket4j's serialized configuration and state) under
 * a key of {@link RateLimitKeys}, with the tenant as hash tag so a Redis Cluster keeps a
 * tenant's buckets on one slot. Each write sets a TTL of the time until the bucket would
 * be full again plus {@link Settings#keepAfterRefill()}, so idle tenants and users leave
 * nothing behind. The stored configuration is tagged with the tenant's
 * {@link dev.tenancy.Tenant#version() version}; a request carrying a higher version
 * replaces it ({@link TokensInheritanceStrategy#ADDITIVE}: a larger capacity adds the
 * difference, a smaller one caps), so a plan change applies from the next request on
 * every instance. An instance with an older version uses the newer stored configuration
 * rather than downgrading it.
 * <p>
 * Redis round trips per decision (bucket4j's compare-and-swap: {@code GET}, compute in
 * the JVM, then {@code EVAL} of a compare-and-set script with {@code PX}), for existing
 * keys at the current version: tenant policy only, 2 when admitted and 1 when rejected (a
 * rejection writes nothing); tenant and user, 4 when admitted, 1 when the user policy
 * rejects, 5 when the tenant policy rejects (2 for the user, 1 for the tenant, 2 to
 * refund the user). A missing key costs one more round trip per bucket, a new version one
 * more per bucket once, and each lost compare-and-swap race 2 more. Concurrent requests
 * for one bucket in this process are batched into one compare-and-swap (bucket4j's
 * {@link Optimizations#batching() batching}, exact), so under load the average falls well
 * below these figures; see {@link Buckets#decide} for how several limits are decided
 * together.
 * <p>
 * Each command chain is bounded by {@link Settings#requestTimeout()}. The connection
 * should reject commands while disconnected and time commands out itself, so that nothing
 * queued during an outage is replayed later: see {@link #clientOptions(Duration)}.
 */
public final class RedisRateLimiter implements RateLimiter {

	/** The codec of the connection this limiter needs: string keys, byte-array values. */
	public static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

	private static final Logger logger = LoggerFactory.getLogger(RedisRateLimiter.class);

	private final AsyncProxyManager<String> proxies;

	private final RateLimitKeys keys;

	private final boolean batching;

	private final Cache<BucketKey, AsyncBucketProxy> buckets;

	/**
	 * A limiter on a standalone or Sentinel-managed Redis.
	 * @param connection a connection with {@link #CODEC}
	 * @param settings the settings
	 */
	public RedisRateLimiter(StatefulRedisConnection<String, byte[]> connection, Settings settings) {
		this(Bucket4jLettuce.casBasedBuilder(connection), settings);
	}

	/**
	 * A limiter on a Redis Cluster. Keys of one tenant share a slot, so every command
	 * goes to one node.
	 * @param connection a cluster connection with {@link #CODEC}
	 * @param settings the settings
	 */
	public RedisRateLimiter(StatefulRedisClusterConnection<String, byte[]> connection, Settings settings) {
		this(Bucket4jLettuce.casBasedBuilder(connection), settings);
	}

	RedisRateLimiter(LettuceBasedProxyManagerBuilder<String> builder, Settings settings) {
		this(builder, settings, null);
	}

	/**
	 * A limiter on a bucket4j builder, optionally with a client clock other than the
	 * system's (tests only: it must be the same on every instance).
	 */
	RedisRateLimiter(LettuceBasedProxyManagerBuilder<String> builder, Settings settings, TimeMeter clock) {
		Objects.requireNonNull(settings, "settings");
		if (clock != null) {
			builder.clientClock(clock);
		}
		this.proxies = builder
			.expirationAfterWrite(
					ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(settings.keepAfterRefill()))
			.requestTimeout(settings.requestTimeout())
			.build()
			.asAsync();
		this.keys = new RateLimitKeys(settings.keyPrefix(), settings.userKeySecret());
		this.batching = settings.batching();
		this.buckets = Caffeine.newBuilder()
			.maximumSize(settings.maxCachedBuckets())
			.expireAfterAccess(Duration.ofMinutes(10))
			.build();
	}

	/**
	 * Lettuce client options suited to the limiter: commands fail at once while
	 * disconnected (instead of being buffered and replayed after reconnection, long after
	 * their request was decided locally), and every command times out after
	 * {@code commandTimeout}.
	 * @param commandTimeout the command timeout, such as 100 ms
	 * @return the options for a {@code RedisClient}
	 */
	public static ClientOptions clientOptions(Duration commandTimeout) {
		return ClientOptions.builder()
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.timeoutOptions(TimeoutOptions.enabled(commandTimeout))
			.build();
	}

	/**
	 * As {@link #clientOptions(Duration)}, for a {@code RedisClusterClient}.
	 * @param commandTimeout the command timeout
	 * @return the options
	 */
	public static ClusterClientOptions clusterClientOptions(Duration commandTimeout) {
		return ClusterClientOptions.builder()
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.timeoutOptions(TimeoutOptions.enabled(commandTimeout))
			.build();
	}

	/**
	 * @return the keys this limiter writes
	 */
	public RateLimitKeys keys() {
		return this.keys;
	}

	@Override
	public CompletionStage<RateLimitDecision> consume(RateLimitRequest request) {
		return withBuckets(request,
				(tenant, user) -> Buckets.decide(request, Source.REDIS, tenant, user, RedisRateLimiter::refundFailed));
	}

	@Override
	public CompletionStage<RateLimitDecision> peek(RateLimitRequest request) {
		return withBuckets(request, (tenant, user) -> Buckets.peek(request, Source.REDIS, tenant, user));
	}

	/**
	 * Takes the tokens from the tenant's bucket and, when the request limits a user, the
	 * user's, each with bucket4j's {@code tryConsumeAsMuchAsPossible}: as many as the
	 * bucket holds, down to empty and never below, rejecting nothing (one
	 * compare-and-swap per bucket; the two buckets are charged independently, so a
	 * failure may leave one of them charged).
	 */
	@Override
	public CompletionStage<Void> charge(RateLimitRequest request, long tokens) {
		if (tokens < 1) {
			return CompletableFuture.failedFuture(new IllegalArgumentException("tokens must be at least 1"));
		}
		return withBuckets(request, (tenant, user) -> {
			CompletableFuture<Long> tenantCharged = tenant.proxy().tryConsumeAsMuchAsPossible(tokens);
			CompletableFuture<Long> userCharged = (user != null) ? user.proxy().tryConsumeAsMuchAsPossible(tokens)
					: CompletableFuture.completedFuture(0L);
			return CompletableFuture.allOf(tenantCharged, userCharged);
		});
	}

	/**
	 * The tenant's bucket and, when the request limits a user, the user's, handed to an
	 * operation.
	 */
	private <T> CompletionStage<T> withBuckets(RateLimitRequest request,
			BiFunction<RedisBucket, RedisBucket, CompletionStage<T>> decision) {
		try {
			RateLimitPlan plan = request.plan();
			RedisBucket tenant = new RedisBucket(bucket(this.keys.tenant(plan.tenant()), plan, plan.tenantLimit()));
			RedisBucket user = request.limitsUser()
					? new RedisBucket(bucket(this.keys.user(plan.tenant(), request.user()), plan, plan.userLimit()))
					: null;
			return decision.apply(tenant, user);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private AsyncBucketProxy bucket(String key, RateLimitPlan plan, RateLimitPolicy policy) {
		return this.buckets.get(new BucketKey(key, plan.version(), policy), (bucketKey) -> {
			BucketConfiguration configuration = Buckets.configuration(policy);
			CompletableFuture<BucketConfiguration> supplied = CompletableFuture.completedFuture(configuration);
			RemoteAsyncBucketBuilder<String> builder = this.proxies.builder()
				.withImplicitConfigurationReplacement(plan.version(), TokensInheritanceStrategy.ADDITIVE);
			if (this.batching) {
				builder = builder.withOptimization(Optimizations.batching());
			}
			return builder.build(key, () -> supplied);
		});
	}

	private static void refundFailed(RateLimitRequest request, Throwable ex) {
		logger.warn("Could not give back the user's tokens of a request the tenant limit rejected (tenant {}): {}",
				request.plan().tenant(), ex.toString());
	}

	private record BucketKey(String key, long version, RateLimitPolicy policy) {
	}

	private record RedisBucket(AsyncBucketProxy proxy) implements Buckets.LimitBucket {

		@Override
		public CompletableFuture<ConsumptionProbe> tryConsume(long tokens) {
			return this.proxy.tryConsumeAndReturnRemaining(tokens);
		}

		@Override
		public CompletableFuture<Void> refund(long tokens) {
			return this.proxy.addTokens(tokens);
		}

		@Override
		public CompletableFuture<EstimationProbe> estimate(long tokens) {
			return this.proxy.estimateAbilityToConsume(tokens);
		}

	}

	/**
	 * Settings of the Redis limiters (both engines).
	 *
	 * @param keyPrefix the prefix of every key (no braces)
	 * @param requestTimeout bound of one decision, compare-and-swap retries included (the
	 * script engine: how long a decision may wait for its turn in a coalesced call)
	 * @param keepAfterRefill how long a key outlives the moment its bucket would be full
	 * again
	 * @param maxCachedBuckets how many bucket proxies (per key and version) to keep for
	 * reuse, which batching needs (bucket4j engine)
	 * @param batching whether concurrent requests for one bucket in this process share
	 * one compare-and-swap (bucket4j engine) or one script call (script engine)
	 * @param userKeySecret the HMAC secret of user keys (see {@link RateLimitKeys}), or
	 * {@code null} for the unkeyed hash
	 */
	public record Settings(String keyPrefix, Duration requestTimeout, Duration keepAfterRefill, int maxCachedBuckets,
			boolean batching, String userKeySecret) {

		/** The default request timeout. */
		public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMillis(100);

		public Settings {
			new RateLimitKeys(keyPrefix, userKeySecret);
			Objects.requireNonNull(requestTimeout, "requestTimeout");
			Objects.requireNonNull(keepAfterRefill, "keepAfterRefill");
			if (requestTimeout.isZero() || requestTimeout.isNegative()) {
				throw new IllegalArgumentException("requestTimeout must be positive");
			}
			if (keepAfterRefill.isNegative()) {
				throw new IllegalArgumentException("keepAfterRefill must not be negative");
			}
			if (maxCachedBuckets <= 0) {
				throw new IllegalArgumentException("maxCachedBuckets must be positive");
			}
		}

		/**
		 * Settings with unkeyed user keys.
		 * @param keyPrefix the prefix of every key (no braces)
		 * @param requestTimeout bound of one decision
		 * @param keepAfterRefill how long a key outlives the moment its bucket would be
		 * full again
		 * @param maxCachedBuckets how many bucket proxies to keep
		 * @param batching whether to batch
		 */
		public Settings(String keyPrefix, Duration requestTimeout, Duration keepAfterRefill, int maxCachedBuckets,
				boolean batching) {
			this(keyPrefix, requestTimeout, keepAfterRefill, maxCachedBuckets, batching, null);
		}

		/**
		 * The defaults: prefix {@value RateLimitKeys#DEFAULT_PREFIX}, 100 ms timeout,
		 * keys kept 1 s after their bucket would be full, 10,000 cached buckets, batching
		 * on, no user key secret.
		 * @return the defaults
		 */
		public static Settings defaults() {
			return new Settings(RateLimitKeys.DEFAULT_PREFIX, DEFAULT_REQUEST_TIMEOUT, Duration.ofSeconds(1), 10_000,
					true, null);
		}

		/**
		 * A copy with another key prefix.
		 * @param prefix the prefix
		 * @return the settings
		 */
		public Settings withKeyPrefix(String prefix) {
			return new Settings(prefix, this.requestTimeout, this.keepAfterRefill, this.maxCachedBuckets, this.batching,
					this.userKeySecret);
		}

		/**
		 * A copy with another request timeout.
		 * @param timeout the timeout
		 * @return the settings
		 */
		public Settings withRequestTimeout(Duration timeout) {
			return new Settings(this.keyPrefix, timeout, this.keepAfterRefill, this.maxCachedBuckets, this.batching,
					this.userKeySecret);
		}

		/**
		 * A copy with batching on or off.
		 * @param enabled whether to batch
		 * @return the settings
		 */
		public Settings withBatching(boolean enabled) {
			return new Settings(this.keyPrefix, this.requestTimeout, this.keepAfterRefill, this.maxCachedBuckets,
					enabled, this.userKeySecret);
		}

		/**
		 * A copy with another user key secret.
		 * @param secret the secret, or {@code null} for unkeyed user keys
		 * @return the settings
		 */
		public Settings withUserKeySecret(String secret) {
			return new Settings(this.keyPrefix, this.requestTimeout, this.keepAfterRefill, this.maxCachedBuckets,
					this.batching, secret);
		}

		@Override
		public String toString() {
			// never the secret
			return "Settings[keyPrefix=" + this.keyPrefix + ", requestTimeout=" + this.requestTimeout
					+ ", keepAfterRefill=" + this.keepAfterRefill + ", maxCachedBuckets=" + this.maxCachedBuckets
					+ ", batching=" + this.batching + ", userKeySecret=" + ((this.userKeySecret != null) ? "***" : null)
					+ "]";
		}

	}

}
