package dev.tenancy.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.ratelimit.RateLimitDecision.PolicyStatus;
import dev.tenancy.ratelimit.RateLimitDecision.Source;

import static dev.tenancy.ratelimit.RateLimitTesting.decide;
import static dev.tenancy.ratelimit.RateLimitTesting.limit;
import static dev.tenancy.ratelimit.RateLimitTesting.request;
import static dev.tenancy.ratelimit.RateLimitTesting.tenant;
import static dev.tenancy.ratelimit.RateLimitTesting.uniquePrefix;
import static dev.tenancy.ratelimit.RateLimitTesting.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every Redis engine must have, on whatever Redis the subclass provides
 * (standalone or Cluster): exact under concurrency across instances, several limits
 * decided together, route costs, interval refill, plan replacement, the answers the
 * headers are made of, charges, and hostile plans. Hour-long windows keep refill out of
 * the counts except where refill is the point.
 */
abstract class RateLimiterContract {

	static final Duration HOUR = Duration.ofHours(1);

	/**
	 * A limiter (one application instance) on the subclass's Redis.
	 * @param prefix the key prefix
	 * @return the limiter
	 */
	abstract RateLimiter limiter(String prefix);

	/**
	 * Another instance on the same Redis, with a connection of its own.
	 * @param prefix the key prefix
	 * @return the limiter
	 */
	abstract RateLimiter otherInstance(String prefix);

	@Test
	void twoInstancesUnderConcurrencyAdmitExactlyTheLimit() throws Exception {
		String prefix = uniquePrefix();
		List<RateLimiter> instances = List.of(limiter(prefix), otherInstance(prefix));
		Tenant tenant = tenant(uniqueTenant("exact"), 1, limit(40, HOUR, 1000, null));
		assertThat(admittedConcurrently(instances, tenant, 16, 10, (i) -> "user-" + (i % 7))).isEqualTo(40);
	}

	@Test
	void oneUserUnderConcurrencyGetsExactlyTheUserLimit() throws Exception {
		String prefix = uniquePrefix();
		List<RateLimiter> instances = List.of(limiter(prefix), otherInstance(prefix));
		Tenant tenant = tenant(uniqueTenant("exact-user"), 1, limit(1000, HOUR, 7, null));
		assertThat(admittedConcurrently(instances, tenant, 16, 6, (i) -> "alice")).isEqualTo(7);
		RateLimitDecision bob = decide(instances.get(0), request(tenant, "bob", null));
		assertThat(status(bob, "tenant").remaining()).as("alice's rejections spent nothing of the tenant")
			.isEqualTo(1000 - 7 - 1);
	}

	@Test
	void aRequestTheUserLimitRejectsSpendsNothingOfTheTenant() {
		RateLimiter limiter = limiter(uniquePrefix());
		Tenant tenant = tenant(uniqueTenant("user-rejects"), 1, limit(100, HOUR, 3, null));
		for (int i = 0; i < 3; i++) {
			assertThat(decide(limiter, request(tenant, "alice", null)).allowed()).isTrue();
		}
		for (int i = 0; i < 5; i++) {
			RateLimitDecision rejected = decide(limiter, request(tenant, "alice", null));
			assertThat(rejected.allowed()).isFalse();
			assertThat(rejected.rejectedBy()).isEqualTo("user");
			assertThat(rejected.statuses()).extracting(PolicyStatus::policy).containsExactly("user");
		}
		RateLimitDecision bob = decide(limiter, request(tenant, "bob", null));
		assertThat(status(bob, "tenant").remaining()).as("alice's 3 and bob's 1, nothing for the rejections")
			.isEqualTo(96);
		assertThat(status(bob, "user").remaining()).isEqualTo(2);
	}

	@Test
	void aRequestTheTenantLimitRejectsSpendsNothingOfTheUser() {
		RateLimiter limiter = limiter(uniquePrefix());
		Tenant tenant = tenant(uniqueTenant("tenant-rejects"), 1, limit(3, HOUR, 10, null));
		for (String user : List.of("bob", "carol", "dave")) {
			assertThat(decide(limiter, request(tenant, user, null)).allowed()).isTrue();
		}
		for (int i = 0; i < 5; i++) {
			RateLimitDecision rejected = decide(limiter, request(tenant, "alice", null));
			assertThat(rejected.allowed()).isFalse();
			assertThat(rejected.rejectedBy()).isEqualTo("tenant");
			assertThat(status(rejected, "user").remaining()).isEqualTo(10);
		}
		Tenant bigger = tenant(tenant.id(), 2, limit(100, HOUR, 10, null));
		RateLimitDecision alice = decide(limiter, request(bigger, "alice", null));
		assertThat(alice.allowed()).isTrue();
		assertThat(status(alice, "user").remaining()).as("alice's five rejections spent nothing").isEqualTo(9);
	}

	@Test
	void routeCostClassesTakeSeveralTokensFromEveryLimit() {
		RateLimiter limiter = limiter(uniquePrefix());
		Tenant tenant = tenant(uniqueTenant("costs"), 1, limit(12, HOUR, 11, Map.of("helpdesk", 5L)));
		RateLimitDecision first = decide(limiter, request(tenant, "alice", "helpdesk"));
		assertThat(status(first, "tenant").remaining()).isEqualTo(7);
		assertThat(status(first, "user").remaining()).isEqualTo(6);
		RateLimitDecision second = decide(limiter, request(tenant, "alice", "helpdesk"));
		assertThat(status(second, "tenant").remaining()).isEqualTo(2);
		assertThat(status(second, "user").remaining()).isEqualTo(1);
		RateLimitDecision third = decide(limiter, request(tenant, "bob", "helpdesk"));
		assertThat(third.allowed()).as("5 needed, 2 left").isFalse();
		assertThat(third.rejectedBy()).isEqualTo("tenant");
		RateLimitDecision cheap = decide(limiter, request(tenant, "bob", "search"));
		assertThat(cheap.allowed()).as("an unlisted class costs 1").isTrue();
		assertThat(status(cheap, "tenant").remaining()).isEqualTo(1);
		assertThat(status(cheap, "user").remaining()).as("bob's rejected 5 spent nothing").isEqualTo(10);
	}

	@Test
	void tokensComeBackAllAtOnceWhenAWholeWindowHasPassed() throws Exception {
		RateLimiter limiter = limiter(uniquePrefix());
		Tenant tenant = tenant(uniqueTenant("refill"), 1, limit(3, Duration.ofSeconds(1)));
		for (int i = 0; i < 3; i++) {
			assertThat(decide(limiter, request(tenant, null, null)).allowed()).isTrue();
		}
		RateLimitDecision rejected = decide(limiter, request(tenant, null, null));
		assertThat(rejected.allowed()).isFalse();
		assertThat(rejected.retryAfterNanos()).isPositive().isLessThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
		assertThat(rejected.retryAfterSeconds()).isEqualTo(1);
		Thread.sleep(TimeUnit.NANOSECONDS.toMillis(rejected.retryAfterNanos()) + 50);
		for (int i = 2; i >= 0; i--) {
			RateLimitDecision decision = decide(limiter, request(tenant, null, null));
			assertThat(decision.allowed()).as("all 3 back after the window").isTrue();
			assertThat(decision.statuses().get(0).remaining()).isEqualTo(i);
		}
		assertThat(decide(limiter, request(tenant, null, null)).allowed()).as("and no more than 3").isFalse();
	}

	@Test
	void theAnswersTheHeadersAreMadeOf() {
		RateLimiter limiter = limiter(uniquePrefix());
		Tenant tenant = tenant(uniqueTenant("headers"), 1,
				new TenantConfig.RateLimit(2, Duration.ofMinutes(1), 5, new TenantConfig.UserLimit(4, HOUR), null));
		long start = System.nanoTime();
		for (int i = 4; i >= 1; i--) {
			RateLimitDecision decision = decide(limiter, request(tenant, "alice", null));
			assertThat(decision.allowed()).isTrue();
			assertThat(decision.source()).isEqualTo(Source.REDIS);
			assertThat(decision.policies())
				.extracting(RateLimitPolicy::name, RateLimitPolicy::limit, RateLimitPolicy::windowSeconds)
				.containsExactly(org.assertj.core.groups.Tuple.tuple("tenant", 2L, 60L),
						org.assertj.core.groups.Tuple.tuple("user", 4L, 3600L));
			assertThat(decision.statuses()).extracting(PolicyStatus::policy, PolicyStatus::remaining)
				.containsExactly(org.assertj.core.groups.Tuple.tuple("tenant", (long) i),
						org.assertj.core.groups.Tuple.tuple("user", (long) i - 1));
			assertThat(status(decision, "tenant").resetSeconds()).as("t: the next refill, within one window")
				.isBetween(59L, 60L);
			assertThat(status(decision, "user").resetSeconds()).isBetween(3599L, 3600L);
		}
		RateLimitDecision user = decide(limiter, request(tenant, "alice", null));
		assertThat(user.rejectedBy()).isEqualTo("user");
		assertThat(user.retryAfterSeconds()).isBetween(3599L, 3600L);
		RateLimitDecision bob = decide(limiter, request(tenant, "bob", null));
		assertThat(bob.allowed()).isTrue();
		assertThat(status(bob, "tenant").remaining()).isZero();
		RateLimitDecision tenantRejects = decide(limiter, request(tenant, "carol", null));
		long elapsed = System.nanoTime() - start;
		assertThat(tenantRejects.rejectedBy()).isEqualTo("tenant");
		assertThat(tenantRejects.retryAfterNanos()).as("interval refill: the 2 come back at the minute's end")
			.isBetween(TimeUnit.SECONDS.toNanos(60) - elapsed, TimeUnit.SECONDS.toNanos(60));
		assertThat(status(tenantRejects, "tenant").resetNanos()).isEqualTo(tenantRejects.retryAfterNanos());
		assertThat(status(tenantRejects, "user").remaining()).isEqualTo(4);

		RateLimitDecision tooMany = decide(limiter,
				request(tenant(tenant.id(), 1,
						new TenantConfig.RateLimit(2, Duration.ofMinutes(1), 5, null, Map.of("bulk", 3L))), null,
						"bulk"));
		assertThat(tooMany.retryAfterSeconds()).as("3 need two refills: the next and one more window")
			.isBetween(119L, 120L);
	}

	@Test
	void planReplacementRacingWithDecisionsAddsTheDifferenceExactlyOnce() throws Exception {
		String prefix = uniquePrefix();
		TenantId id = uniqueTenant("plan-race");
		Tenant v1 = tenant(id, 1, limit(10, HOUR));
		Tenant v2 = tenant(id, 2, limit(20, HOUR));
		RateLimiter first = limiter(prefix);
		RateLimiter second = otherInstance(prefix);
		ExecutorService pool = Executors.newFixedThreadPool(12);
		try {
			CountDownLatch start = new CountDownLatch(1);
			AtomicInteger admitted = new AtomicInteger();
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < 12; t++) {
				boolean old = t % 2 == 0;
				done.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < 6; i++) {
						RateLimitDecision decision = old ? decide(first, request(v1, null, null))
								: decide(second, request(v2, null, null));
						if (decision.allowed()) {
							admitted.incrementAndGet();
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : done) {
				future.get(30, TimeUnit.SECONDS);
			}
			assertThat(admitted.get()).as("10 of version 1, plus the 10 version 2 adds, whatever the order")
				.isEqualTo(20);
		}
		finally {
			pool.shutdownNow();
		}
		RateLimitDecision stale = decide(first, request(v1, null, null));
		assertThat(stale.allowed()).isFalse();
		Tenant v3 = tenant(id, 3, limit(100, HOUR));
		assertThat(decide(first, request(v3, null, null)).statuses().get(0).remaining()).isEqualTo(79);
		assertThat(decide(second, request(v2, null, null)).statuses().get(0).remaining())
			.as("an older version uses the newer stored plan")
			.isEqualTo(78);
		Tenant v4 = tenant(id, 4, limit(5, HOUR));
		assertThat(decide(second, request(v4, null, null)).statuses().get(0).remaining())
			.as("capped at the smaller capacity")
			.isEqualTo(4);
	}

	@Test
	void peekingSpendsNothing() {
		RateLimiter limiter = limiter(uniquePrefix());
		Tenant tenant = tenant(uniqueTenant("peek"), 1, limit(2, HOUR, 1, null));
		for (int i = 0; i < 3; i++) {
			RateLimitDecision peeked = peek(limiter, request(tenant, "alice", null));
			assertThat(peeked.allowed()).isTrue();
			assertThat(status(peeked, "tenant").remaining()).isEqualTo(2);
		}
		assertThat(decide(limiter, request(tenant, "alice", null)).allowed()).isTrue();
		RateLimitDecision peeked = peek(limiter, request(tenant, "alice", null));
		assertThat(peeked.allowed()).isFalse();
		assertThat(peeked.rejectedBy()).isEqualTo("user");
		assertThat(decide(limiter, request(tenant, "bob", null)).allowed()).isTrue();
	}

	@Test
	void aChargeTakesTokensFromEveryBucketDownToEmptyAndRejectsNothing() {
		RateLimiter limiter = limiter(uniquePrefix());
		Tenant tenant = tenant(uniqueTenant("charge"), 1, limit(10, HOUR, 8, null));
		charge(limiter, request(tenant, "alice", null), 3);
		RateLimitDecision after = decide(limiter, request(tenant, "alice", null));
		assertThat(status(after, "tenant").remaining()).isEqualTo(6);
		assertThat(status(after, "user").remaining()).isEqualTo(4);
		charge(limiter, request(tenant, "bob", null), 1_000_000);
		RateLimitDecision empty = decide(limiter, request(tenant, "carol", null));
		assertThat(empty.allowed()).as("the tenant bucket charged down to empty, not below").isFalse();
		assertThat(status(empty, "tenant").remaining()).isZero();
		Tenant bigger = tenant(tenant.id(), 2, limit(11, HOUR, 8, null));
		RateLimitDecision one = decide(limiter, request(bigger, "carol", null));
		assertThat(one.allowed()).as("empty, not in debt: one more token of capacity is one more request").isTrue();
		assertThatThrownBy(() -> limiter.charge(request(tenant, null, null), 0).toCompletableFuture().join())
			.hasRootCauseInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void hostileCostsNeverOverAdmitNorSpend() {
		RateLimiter limiter = limiter(uniquePrefix());
		Tenant tenant = tenant(uniqueTenant("hostile"), 1, new TenantConfig.RateLimit(10, HOUR, 10, null,
				Map.of("huge", Long.MAX_VALUE, "beyond", 11L, "zero", 0L, "negative", -5L, "all", 10L)));
		for (String huge : List.of("huge", "beyond")) {
			RateLimitDecision rejected = decide(limiter, request(tenant, null, huge));
			assertThat(rejected.allowed()).isFalse();
			assertThat(rejected.rejectedBy()).isEqualTo("tenant");
			assertThat(rejected.retryAfterNanos()).as("no wait helps: about one window")
				.isBetween(HOUR.minusSeconds(10).toNanos(), HOUR.toNanos());
		}
		RateLimitDecision zero = decide(limiter, request(tenant, null, "zero"));
		assertThat(zero.statuses().get(0).remaining()).as("costs below 1 cost 1; nothing spent by the huge")
			.isEqualTo(9);
		assertThat(decide(limiter, request(tenant, null, "negative")).statuses().get(0).remaining()).isEqualTo(8);
		assertThat(decide(limiter, request(tenant, null, "all")).allowed()).isFalse();
		Tenant fresh = tenant(uniqueTenant("hostile"), 1, tenant.config().rateLimit());
		RateLimitDecision all = decide(limiter, request(fresh, null, "all"));
		assertThat(all.allowed()).as("a cost of exactly the capacity passes a full bucket").isTrue();
		assertThat(all.statuses().get(0).remaining()).isZero();
	}

	@Test
	void planAtTheValidationBoundsIsExact() {
		RateLimiter limiter = limiter(uniquePrefix());
		long max = RateLimitPolicy.MAX_TOKENS;
		// Every token a distinct count near 10^15 (doubles are exact to 2^53 ~ 9 x
		// 10^15):
		// an inexact engine would lose the odd ones.
		Tenant tenant = tenant(uniqueTenant("bounds"), 1, new TenantConfig.RateLimit(max,
				RateLimitPolicy.MAX_TIME_TO_FILL, max, null, Map.of("all-but-one", max - 1, "odd", max - 2)));
		RateLimitDecision one = decide(limiter, request(tenant, null, null));
		assertThat(one.statuses().get(0).remaining()).isEqualTo(max - 1);
		RateLimitDecision odd = decide(limiter, request(tenant, null, "odd"));
		assertThat(odd.allowed()).isTrue();
		assertThat(odd.statuses().get(0).remaining()).isEqualTo(1);
		assertThat(odd.statuses().get(0).resetNanos()).isPositive();
		RateLimitDecision rejected = decide(limiter, request(tenant, null, "all-but-one"));
		assertThat(rejected.allowed()).isFalse();
		assertThat(rejected.statuses().get(0).remaining()).isEqualTo(1);
		assertThat(rejected.retryAfterNanos()).as("the next refill, a century away")
			.isGreaterThan(RateLimitPolicy.MAX_TIME_TO_FILL.minusDays(1).toNanos())
			.isLessThanOrEqualTo(RateLimitPolicy.MAX_TIME_TO_FILL.toNanos());
		assertThat(decide(limiter, request(tenant, null, null)).statuses().get(0).remaining()).isZero();
		assertThat(decide(limiter, request(tenant, null, null)).allowed()).isFalse();
	}

	/**
	 * Decisions from several instances at once.
	 * @return how many were admitted
	 */
	static int admittedConcurrently(List<RateLimiter> instances, Tenant tenant, int threads, int perThread,
			java.util.function.IntFunction<String> user) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			AtomicInteger admitted = new AtomicInteger();
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				RateLimiter limiter = instances.get(t % instances.size());
				int thread = t;
				done.add(pool.submit(() -> {
					start.await();
					List<CompletableFuture<RateLimitDecision>> decisions = new ArrayList<>();
					for (int i = 0; i < perThread; i++) {
						decisions.add(limiter.consume(request(tenant, user.apply(thread * perThread + i), null))
							.toCompletableFuture());
					}
					for (CompletableFuture<RateLimitDecision> decision : decisions) {
						if (decision.get(10, TimeUnit.SECONDS).allowed()) {
							admitted.incrementAndGet();
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : done) {
				future.get(60, TimeUnit.SECONDS);
			}
			return admitted.get();
		}
		finally {
			pool.shutdownNow();
		}
	}

	static RateLimitDecision peek(RateLimiter limiter, RateLimitRequest request) {
		try {
			return limiter.peek(request).toCompletableFuture().get(5, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("No answer: " + ex, ex);
		}
	}

	static void charge(RateLimiter limiter, RateLimitRequest request, long tokens) {
		try {
			limiter.charge(request, tokens).toCompletableFuture().get(5, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("Not charged: " + ex, ex);
		}
	}

	static PolicyStatus status(RateLimitDecision decision, String policy) {
		return decision.statuses()
			.stream()
			.filter((status) -> status.policy().equals(policy))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No status of " + policy + " in " + decision));
	}

}
