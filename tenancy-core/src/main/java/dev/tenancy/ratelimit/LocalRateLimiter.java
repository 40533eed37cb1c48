package dev.tenancy.ratelimit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.local.LocalBucketBuilder;

import dev.tenancy.ratelimit.RateLimitDecision.Source;

/**
 * Limits in this process only, with bucket4j local buckets in a bounded Caffeine cache.
 * Each tenant (and user) is limited at this instance's share of its plan: capacity and
 * refill divided by the expected number of instances (rounded down, at least 1), refilled
 * at the end of each window like the Redis buckets. It is the fallback while Redis is
 * unreachable, so the instances together stay near the plan instead of admitting
 * {@code instances ×} the limit.
 * <p>
 * Several limits are decided as in {@link Buckets#decide}; a plan change (higher tenant
 * version) replaces the bucket's configuration
 * ({@link TokensInheritanceStrategy#ADDITIVE}). An entry expires once its bucket would be
 * full again and unused, and the cache holds at most {@code maxBuckets} entries.
 */
public final class LocalRateLimiter implements RateLimiter {

	private final int instances;

	private final RateLimitKeys keys = new RateLimitKeys("");

	private final Cache<String, LocalBucket> buckets;

	/**
	 * A local limiter with room for 10,000 buckets.
	 * @param expectedInstances how many instances share each plan (at least 1)
	 */
	public LocalRateLimiter(int expectedInstances) {
		this(expectedInstances, 10_000);
	}

	/**
	 * A local limiter.
	 * @param expectedInstances how many instances share each plan (at least 1)
	 * @param maxBuckets the most buckets held at once
	 */
	public LocalRateLimiter(int expectedInstances, long maxBuckets) {
		if (expectedInstances < 1) {
			throw new IllegalArgumentException("expectedInstances must be at least 1");
		}
		if (maxBuckets < 1) {
			throw new IllegalArgumentException("maxBuckets must be at least 1");
		}
		this.instances = expectedInstances;
		this.buckets = Caffeine.newBuilder().maximumSize(maxBuckets).expireAfter(new Expiry<String, LocalBucket>() {

			@Override
			public long expireAfterCreate(String key, LocalBucket value, long currentTime) {
				return value.idleNanos();
			}

			@Override
			public long expireAfterUpdate(String key, LocalBucket value, long currentTime, long currentDuration) {
				return value.idleNanos();
			}

			@Override
			public long expireAfterRead(String key, LocalBucket value, long currentTime, long currentDuration) {
				return value.idleNanos();
			}

		}).build();
	}

	/**
	 * @return the expected number of instances
	 */
	public int expectedInstances() {
		return this.instances;
	}

	@Override
	public CompletionStage<RateLimitDecision> consume(RateLimitRequest request) {
		return withBuckets(request,
				(tenant, user) -> Buckets.decide(request, Source.LOCAL, tenant, user, (failed, ex) -> {
				}));
	}

	@Override
	public CompletionStage<RateLimitDecision> peek(RateLimitRequest request) {
		return withBuckets(request, (tenant, user) -> Buckets.peek(request, Source.LOCAL, tenant, user));
	}

	/**
	 * The tenant's bucket and, when the request limits a user, the user's, handed to a
	 * decision.
	 */
	private CompletionStage<RateLimitDecision> withBuckets(RateLimitRequest request,
			BiFunction<LocalBucket, LocalBucket, CompletionStage<RateLimitDecision>> decision) {
		try {
			RateLimitPlan plan = request.plan();
			LocalBucket tenant = bucket(this.keys.tenant(plan.tenant()), plan, plan.tenantLimit());
			LocalBucket user = request.limitsUser()
					? bucket(this.keys.user(plan.tenant(), request.user()), plan, plan.userLimit()) : null;
			return decision.apply(tenant, user);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private LocalBucket bucket(String key, RateLimitPlan plan, RateLimitPolicy policy) {
		LocalBucket bucket = this.buckets.get(key,
				(ignored) -> new LocalBucket(plan.version(), policy, this.instances));
		bucket.upgrade(plan.version(), policy, this.instances);
		return bucket;
	}

	private static final class LocalBucket implements Buckets.LimitBucket {

		private final Bucket bucket;

		private volatile long version;

		private volatile long idleNanos;

		LocalBucket(long version, RateLimitPolicy policy, int instances) {
			LocalBucketBuilder builder = Bucket.builder();
			for (Bandwidth bandwidth : Buckets.configuration(policy, instances).getBandwidths()) {
				builder.addLimit(bandwidth);
			}
			this.bucket = builder.build();
			this.version = version;
			this.idleNanos = idleNanos(policy, instances);
		}

		long idleNanos() {
			return this.idleNanos;
		}

		void upgrade(long version, RateLimitPolicy policy, int instances) {
			if (version <= this.version) {
				return;
			}
			synchronized (this) {
				if (version > this.version) {
					BucketConfiguration configuration = Buckets.configuration(policy, instances);
					this.bucket.replaceConfiguration(configuration, TokensInheritanceStrategy.ADDITIVE);
					this.idleNanos = idleNanos(policy, instances);
					this.version = version;
				}
			}
		}

		@Override
		public CompletableFuture<ConsumptionProbe> tryConsume(long tokens) {
			return CompletableFuture.completedFuture(this.bucket.tryConsumeAndReturnRemaining(tokens));
		}

		@Override
		public CompletableFuture<Void> refund(long tokens) {
			this.bucket.addTokens(tokens);
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public CompletableFuture<EstimationProbe> estimate(long tokens) {
			return CompletableFuture.completedFuture(this.bucket.estimateAbilityToConsume(tokens));
		}

		/**
		 * Time for an empty share to fill up again: after that long unused, the entry can
		 * go.
		 */
		private static long idleNanos(RateLimitPolicy policy, int instances) {
			long capacity = Buckets.shareOf(policy.capacity(), instances);
			long refill = Buckets.shareOf(policy.limit(), instances);
			double windows = Math.ceil((double) capacity / refill);
			double fill = windows * policy.window().toNanos();
			return (long) Math.min(Long.MAX_VALUE / 2, Math.max(1_000_000_000d, fill));
		}

	}

}
