package dev.tenancy.ratelimit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TokensInheritanceStrategy;

import dev.tenancy.TenantId;
import dev.tenancy.ratelimit.RateLimitDecision.PolicyStatus;
import dev.tenancy.ratelimit.RateLimitDecision.Source;

/**
 * Limits in this process only, with bucket4j local buckets in a bounded Caffeine cache:
 * the fallback while Redis cannot decide.
 * <p>
 * <b>Seeded from Redis.</b> Every answer Redis gives is {@link #observe observed}: per
 * bucket the remaining tokens and the time of the next refill that the decision reports.
 * A local bucket starts from that last reported state, not from a full bucket: it holds
 * {@code remaining / expectedInstances} tokens (rounded down, possibly 0) and gets its
 * first refill when the Redis bucket does, then {@code limit / expectedInstances} tokens
 * (rounded down, at least 1) at the end of every window, up to
 * {@code capacity / expectedInstances} (at least 1). So a bucket Redis reported empty
 * stays empty locally until Redis would have refilled it, and the instances together
 * admit at most what Redis last reported as left. Without any report (this instance never
 * reached Redis for that bucket, or the report is for another plan version) the bucket
 * starts full at the share.
 * <p>
 * Tokens this limiter admits are recorded ({@link #spend()}) until they are charged to
 * Redis. A newer report from Redis replaces a local bucket only while no local spend of
 * it is pending (so an answer that arrives late during an outage cannot hand out the
 * share again), and a report is lowered by the pending spend. Tokens still pending are
 * taken off what Redis reported.
 * <p>
 * Several limits are decided as in {@link Buckets#decide}; a plan change (higher tenant
 * version) replaces the bucket's configuration
 * ({@link TokensInheritanceStrategy#ADDITIVE}). An entry expires once its bucket would be
 * full again and unused, and each cache holds at most {@code maxBuckets} entries.
 */
public final class LocalRateLimiter implements RateLimiter {

	private final int instances;

	private final Cache<Key, LocalBucket> buckets;

	private final Cache<Key, LastReport> reported;

	private final LocalSpend spend;

	private final LongSupplier nanoClock = System::nanoTime;

	/** Whether admissions are recorded: only when something charges them to Redis. */
	private volatile boolean recordingSpend;

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
	 * @param maxBuckets the most buckets (and reported states, and uncharged spend
	 * entries) held at once
	 */
	public LocalRateLimiter(int expectedInstances, long maxBuckets) {
		if (expectedInstances < 1) {
			throw new IllegalArgumentException("expectedInstances must be at least 1");
		}
		if (maxBuckets < 1) {
			throw new IllegalArgumentException("maxBuckets must be at least 1");
		}
		this.instances = expectedInstances;
		this.buckets = Caffeine.newBuilder().maximumSize(maxBuckets).expireAfter(new Expiry<Key, LocalBucket>() {

			@Override
			public long expireAfterCreate(Key key, LocalBucket value, long currentTime) {
				return value.idleNanos();
			}

			@Override
			public long expireAfterUpdate(Key key, LocalBucket value, long currentTime, long currentDuration) {
				return value.idleNanos();
			}

			@Override
			public long expireAfterRead(Key key, LocalBucket value, long currentTime, long currentDuration) {
				return value.idleNanos();
			}

		}).build();
		// A report is worth keeping until its bucket would be full again (its refill
		// time plus the windows to fill it); bounded like the buckets.
		this.reported = Caffeine.newBuilder().maximumSize(maxBuckets).expireAfter(new Expiry<Key, LastReport>() {

			@Override
			public long expireAfterCreate(Key key, LastReport value, long currentTime) {
				return value.get().keepNanos();
			}

			@Override
			public long expireAfterUpdate(Key key, LastReport value, long currentTime, long currentDuration) {
				return value.get().keepNanos();
			}

			@Override
			public long expireAfterRead(Key key, LastReport value, long currentTime, long currentDuration) {
				// every report is merged in place after a read: keep it as long as the
				// latest one is worth keeping
				return value.get().keepNanos();
			}

		}).build();
		this.spend = new LocalSpend((int) Math.min(Integer.MAX_VALUE, maxBuckets));
	}

	/**
	 * @return the expected number of instances
	 */
	public int expectedInstances() {
		return this.instances;
	}

	/**
	 * Remember the state Redis reported for the buckets of a request, as the seed of
	 * local buckets should Redis stop answering.
	 * @param request the request
	 * @param decision Redis's decision
	 */
	public void observe(RateLimitRequest request, RateLimitDecision decision) {
		if (decision.source() != Source.REDIS || decision.statuses().isEmpty()) {
			return;
		}
		RateLimitPlan plan = request.plan();
		long now = this.nanoClock.getAsLong();
		for (PolicyStatus status : decision.statuses()) {
			RateLimitPolicy policy = policy(request, status.policy());
			if (policy == null) {
				continue;
			}
			Key key = key(request, policy);
			long pending = pending(key);
			long windowNanos = policy.window().toNanos();
			// No refill time (a full bucket, or a peek that would pass): assume a whole
			// window, the latest it can be, which never adds tokens too early.
			long resetNanos = (status.resetNanos() > 0) ? status.resetNanos() : windowNanos;
			Reported report = new Reported(plan.version(), Math.max(0, status.remaining() - pending), now + resetNanos,
					policy);
			// Merged in place: a cache write per decision would cost far more than the
			// decision's own bookkeeping.
			LastReport last = this.reported.getIfPresent(key);
			if (last == null) {
				last = this.reported.get(key, (ignored) -> new LastReport(report));
			}
			last.merge(report, now);
			if (pending == 0 && this.buckets.asMap().containsKey(key)) {
				// Redis knows all this instance spent: the next outage starts from this
				// report.
				this.buckets.invalidate(key);
			}
		}
	}

	/**
	 * A rejection that follows from what Redis last reported, without asking it: some
	 * bucket of the request had fewer tokens than the request costs and has not been
	 * refilled since (tokens only come back at a refill, so Redis would reject too).
	 * @param request the request
	 * @return the rejection, or empty when the report does not prove one
	 */
	public Optional<RateLimitDecision> rejectionFromReport(RateLimitRequest request) {
		long now = this.nanoClock.getAsLong();
		long cost = request.cost();
		String rejectedBy = null;
		long retryAfter = 0;
		List<RateLimitPolicy> policies = request.policies();
		for (RateLimitPolicy policy : policies) {
			Reported last = lastReport(key(request, policy));
			if (last == null || last.version() != request.plan().version() || !last.policy().equals(policy)) {
				continue;
			}
			long untilRefill = last.refillAtNanos() - now;
			if (untilRefill > 0 && last.remaining() < cost && untilRefill > retryAfter) {
				rejectedBy = policy.name();
				retryAfter = untilRefill;
			}
		}
		if (rejectedBy == null) {
			return Optional.empty();
		}
		return Optional.of(new RateLimitDecision(false, Source.LOCAL, policies, List.of(), rejectedBy, retryAfter));
	}

	/**
	 * The tokens admitted here and not yet charged to Redis; from this call on, every
	 * admission is recorded (a local limiter used on its own records nothing).
	 * @return the ledger
	 */
	LocalSpend spend() {
		this.recordingSpend = true;
		return this.spend;
	}

	@Override
	public CompletionStage<RateLimitDecision> consume(RateLimitRequest request) {
		return withBuckets(request,
				(tenant, user) -> Buckets.decide(request, Source.LOCAL, tenant, user, (failed, ex) -> {
				}))
			.thenApply((decision) -> {
				if (decision.allowed()) {
					this.spend.record(request, request.cost());
				}
				return decision;
			});
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
			LocalBucket tenant = bucket(request, plan.tenantLimit());
			LocalBucket user = request.limitsUser() ? bucket(request, plan.userLimit()) : null;
			return decision.apply(tenant, user);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private LocalBucket bucket(RateLimitRequest request, RateLimitPolicy policy) {
		RateLimitPlan plan = request.plan();
		Key key = key(request, policy);
		LocalBucket bucket = this.buckets.get(key, (ignored) -> {
			Reported last = lastReport(key);
			boolean current = last != null && last.version() == plan.version() && last.policy().equals(policy);
			return new LocalBucket(plan.version(), policy, this.instances, current ? last : null,
					this.nanoClock.getAsLong());
		});
		bucket.upgrade(plan.version(), policy, this.instances);
		return bucket;
	}

	private Reported lastReport(Key key) {
		LastReport last = this.reported.getIfPresent(key);
		return (last != null) ? last.get() : null;
	}

	private long pending(Key key) {
		return (key.user() != null) ? this.spend.pending(key.tenant(), key.user()) : this.spend.pending(key.tenant());
	}

	private static RateLimitPolicy policy(RateLimitRequest request, String name) {
		for (RateLimitPolicy policy : request.policies()) {
			if (policy.name().equals(name)) {
				return policy;
			}
		}
		return null;
	}

	private static Key key(RateLimitRequest request, RateLimitPolicy policy) {
		boolean user = RateLimitPolicy.USER.equals(policy.name());
		return new Key(request.plan().tenant(), user ? request.user() : null);
	}

	/** A bucket: the tenant's, or one user's inside it. */
	private record Key(TenantId tenant, String user) {
	}

	/**
	 * What Redis last reported for a bucket.
	 *
	 * @param version the plan version it was decided at
	 * @param remaining tokens left, less this instance's pending local spend
	 * @param refillAtNanos when its next refill is due (monotonic clock)
	 * @param policy the policy
	 */
	private record Reported(long version, long remaining, long refillAtNanos, RateLimitPolicy policy) {

		long keepNanos() {
			long windows = Math.max(1, (policy.capacity() + policy.limit() - 1) / policy.limit());
			double keep = (double) Math.max(0, this.refillAtNanos - System.nanoTime())
					+ (double) windows * policy.window().toNanos();
			return (long) Math.min(Long.MAX_VALUE / 2, Math.max(1_000_000_000d, keep));
		}

	}

	/** The latest report of a bucket, merged in place. */
	private static final class LastReport {

		private final AtomicReference<Reported> value;

		LastReport(Reported first) {
			this.value = new AtomicReference<>(first);
		}

		Reported get() {
			return this.value.get();
		}

		/**
		 * Answers may arrive out of order. Tokens only come back at a refill, so until
		 * the refill the older report expected, the lower count (and the later refill)
		 * holds.
		 */
		void merge(Reported fresh, long nowNanos) {
			this.value.accumulateAndGet(fresh,
					(old, next) -> (old.version() != next.version() || old.refillAtNanos() <= nowNanos) ? next
							: new Reported(next.version(), Math.min(old.remaining(), next.remaining()),
									Math.max(old.refillAtNanos(), next.refillAtNanos()), next.policy()));
		}

	}

	private static final class LocalBucket implements Buckets.LimitBucket {

		private final Bucket bucket;

		private volatile long version;

		private volatile long idleNanos;

		LocalBucket(long version, RateLimitPolicy policy, int instances, Reported seed, long nowNanos) {
			this.bucket = Bucket.builder().addLimit(bandwidth(policy, instances, seed, nowNanos)).build();
			this.version = version;
			this.idleNanos = idleNanos(policy, instances);
		}

		/**
		 * The share of a policy, starting from the reported state when there is one.
		 */
		private static Bandwidth bandwidth(RateLimitPolicy policy, int instances, Reported seed, long nowNanos) {
			if (seed == null) {
				return Buckets.configuration(policy, instances).getBandwidths()[0];
			}
			long capacity = Buckets.shareOf(policy.capacity(), instances);
			long refill = Buckets.shareOf(policy.limit(), instances);
			long windowNanos = policy.window().toNanos();
			long untilRefill = seed.refillAtNanos() - nowNanos;
			long tokens = seed.remaining() / instances;
			if (untilRefill <= 0) {
				// Redis has refilled since it reported: add what it would have added.
				long refills = 1 + (-untilRefill) / windowNanos;
				tokens = (refills >= capacity) ? capacity : Math.min(capacity, tokens + refills * refill);
				untilRefill = windowNanos - ((-untilRefill) % windowNanos);
			}
			Instant firstRefill = Instant.now().plusNanos(untilRefill);
			return Bandwidth.builder()
				.capacity(capacity)
				.refillIntervallyAligned(refill, policy.window(), firstRefill)
				.initialTokens(Math.min(capacity, tokens))
				.id(policy.name())
				.build();
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
