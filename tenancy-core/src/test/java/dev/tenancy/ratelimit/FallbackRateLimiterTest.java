package dev.tenancy.ratelimit;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantStatus;
import dev.tenancy.ratelimit.RateLimitDecision.Source;
import dev.tenancy.test.TcpProxy;

import static dev.tenancy.ratelimit.RateLimitTesting.limit;
import static dev.tenancy.ratelimit.RateLimitTesting.request;
import static dev.tenancy.ratelimit.RateLimitTesting.tenant;
import static dev.tenancy.ratelimit.RateLimitTesting.uniquePrefix;
import static dev.tenancy.ratelimit.RateLimitTesting.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FallbackRateLimiter}: Redis taken away through a TCP proxy (cut: connections
 * closed and refused; frozen: open but silent), the failure modes, and the way back.
 */
class FallbackRateLimiterTest {

	private static final Logger logger = LoggerFactory.getLogger(FallbackRateLimiterTest.class);

	static final Duration HOUR = Duration.ofHours(1);

	static final FallbackRateLimiter.Settings FAST = new FallbackRateLimiter.Settings(Duration.ofMillis(100), 3,
			Duration.ofMillis(200));

	TcpProxy proxy;

	ClientResources resources;

	RedisClient client;

	StatefulRedisConnection<String, byte[]> connection;

	SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@AfterEach
	void close() {
		if (this.connection != null) {
			this.connection.close();
		}
		if (this.client != null) {
			this.client.shutdown();
		}
		if (this.resources != null) {
			this.resources.shutdown();
		}
		if (this.proxy != null) {
			this.proxy.close();
		}
	}

	/** A Redis limiter whose connection runs through a proxy the test can cut. */
	RedisRateLimiter redisThroughProxy() {
		return redisThroughProxy(Duration.ofMillis(100));
	}

	/** As above, with the engine's own command timeout. */
	RedisRateLimiter redisThroughProxy(Duration commandTimeout) {
		URI redis = RateLimitTesting.redis();
		this.proxy = new TcpProxy(redis.getHost(), redis.getPort());
		this.resources = RateLimitTesting.fastReconnect();
		this.client = RateLimitTesting.client(this.resources, this.proxy.host(), this.proxy.port());
		this.client.setOptions(RedisRateLimiter.clientOptions(commandTimeout));
		this.connection = this.client.connect(RedisRateLimiter.CODEC);
		return new RedisRateLimiter(this.connection,
				RedisRateLimiter.Settings.defaults().withKeyPrefix(uniquePrefix()).withRequestTimeout(commandTimeout));
	}

	FallbackRateLimiter fallback(RateLimiter redis, FailureModePolicy modes) {
		return new FallbackRateLimiter(redis, new LocalRateLimiter(3), FAST, modes,
				new MicrometerRateLimitMetrics(this.registry, 10));
	}

	@Test
	void redisCutMidRunFallsBackToLocalLimitingWithinASecondAndReturnsByItself() throws Exception {
		// The engine's commands may take the answer wait, as the starter sets them up.
		FallbackRateLimiter limiter = fallback(redisThroughProxy(FAST.answerWait()),
				FailureModePolicy.always(FailureMode.LOCAL));
		Tenant tenant = tenant(uniqueTenant("cut"), 1, limit(1_000_000, HOUR, 1_000_000, null));
		for (int i = 0; i < 20; i++) {
			assertThat(decide(limiter, request(tenant, "alice", null)).source()).isEqualTo(Source.REDIS);
		}
		assertThat(limiter.isDegraded()).isFalse();
		assertThat(gauge()).isZero();

		// Background load through the whole outage: every decision must complete normally
		// and fast.
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicReference<Throwable> escaped = new AtomicReference<>();
		AtomicLong slowest = new AtomicLong();
		AtomicLong background = new AtomicLong();
		List<Thread> load = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			String user = "user-" + t;
			load.add(Thread.ofPlatform().daemon().start(() -> {
				while (running.get()) {
					long start = System.nanoTime();
					try {
						limiter.consume(request(tenant, user, null)).toCompletableFuture().get(2, TimeUnit.SECONDS);
					}
					catch (Throwable ex) {
						escaped.compareAndSet(null, ex);
					}
					slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
					background.incrementAndGet();
					LockSupport.parkNanos(200_000);
				}
			}));
		}
		Thread.sleep(50);

		long cutAt = System.nanoTime();
		this.proxy.cut();
		long firstLocal = 0;
		long opened = 0;
		int decisions = 0;
		while (System.nanoTime() - cutAt < TimeUnit.SECONDS.toNanos(1) && opened == 0) {
			RateLimitDecision decision = decide(limiter, request(tenant, "alice", null));
			decisions++;
			assertThat(decision.allowed()).isTrue();
			if (decision.source() == Source.LOCAL && firstLocal == 0) {
				firstLocal = System.nanoTime();
			}
			if (limiter.isDegraded()) {
				opened = System.nanoTime();
			}
			Thread.sleep(1);
		}
		assertThat(firstLocal).as("a local decision within 1 s").isPositive();
		assertThat(opened).as("the breaker opened within 1 s").isPositive();
		logger.info("Redis cut: first local decision after {} µs, breaker open after {} µs ({} decisions)",
				(firstLocal - cutAt) / 1000, (opened - cutAt) / 1000, decisions);
		for (int i = 0; i < 50; i++) {
			assertThat(decide(limiter, request(tenant, "alice", null)).source()).isEqualTo(Source.LOCAL);
		}
		assertThat(limiter.isDegraded()).isTrue();
		assertThat(gauge()).isEqualTo(1);
		assertThat(fallbacks("circuit_open")).isPositive();
		assertThat(fallbacks("error") + fallbacks("timeout")).isGreaterThanOrEqualTo(3);
		assertThat(this.registry.find(MicrometerRateLimitMetrics.REDIS_LATENCY).tag("outcome", "failure").timer())
			.satisfies((timer) -> assertThat(timer.count()).isGreaterThanOrEqualTo(3));
		assertThat(decisions("local")).isPositive();

		long restoredAt = System.nanoTime();
		this.proxy.restore();
		long back = 0;
		while (System.nanoTime() - restoredAt < TimeUnit.SECONDS.toNanos(5)) {
			RateLimitDecision decision = decide(limiter, request(tenant, "alice", null));
			if (decision.source() == Source.REDIS) {
				back = System.nanoTime();
				break;
			}
			Thread.sleep(5);
		}
		assertThat(back).as("Redis decides again within 5 s of its return").isPositive();
		logger.info("Redis restored: deciding in Redis again after {} ms", (back - restoredAt) / 1_000_000);
		assertThat(limiter.isDegraded()).isFalse();
		assertThat(gauge()).isZero();
		assertThat(decide(limiter, request(tenant, "alice", null)).source()).isEqualTo(Source.REDIS);
		running.set(false);
		for (Thread thread : load) {
			thread.join(2000);
		}
		assertThat(escaped.get()).as("no exception escapes").isNull();
		assertThat(slowest.get()).as("no decision waits much longer than the answer wait")
			.isLessThan(FAST.answerWait().toNanos() + TimeUnit.MILLISECONDS.toNanos(500));
		logger.info("Background load: {} decisions, slowest {} ms", background.get(), slowest.get() / 1_000_000);
	}

	@Test
	void aFrozenRedisTimesOutAndNoDecisionWaitsLongerThanTheTimeout() throws Exception {
		// An engine whose commands time out themselves at 100 ms: their timeout is a
		// failure at once (the answer wait only matters while the command may answer).
		FallbackRateLimiter limiter = fallback(redisThroughProxy(), FailureModePolicy.always(FailureMode.LOCAL));
		Tenant tenant = tenant(uniqueTenant("frozen"), 1, limit(1_000_000, HOUR));
		assertThat(decide(limiter, request(tenant, null, null)).source()).isEqualTo(Source.REDIS);
		this.proxy.freeze();
		long slowest = 0;
		for (int i = 0; i < 10; i++) {
			long start = System.nanoTime();
			RateLimitDecision decision = decide(limiter, request(tenant, null, null));
			slowest = Math.max(slowest, System.nanoTime() - start);
			assertThat(decision.allowed()).isTrue();
			assertThat(decision.source()).isEqualTo(Source.LOCAL);
		}
		assertThat(limiter.isDegraded()).isTrue();
		assertThat(fallbacks("timeout")).isEqualTo(3);
		assertThat(fallbacks("circuit_open")).isEqualTo(7);
		assertThat(slowest).as("bounded by the 100 ms timeout").isLessThan(TimeUnit.MILLISECONDS.toNanos(400));
		this.proxy.restore();
		long restoredAt = System.nanoTime();
		while (limiter.isDegraded() && System.nanoTime() - restoredAt < TimeUnit.SECONDS.toNanos(5)) {
			decide(limiter, request(tenant, null, null));
			Thread.sleep(10);
		}
		assertThat(limiter.isDegraded()).isFalse();
	}

	@Test
	void localFallbackLimitsEachInstanceAtItsShare() {
		FallbackRateLimiter limiter = fallback(failing(), FailureModePolicy.always(FailureMode.LOCAL));
		Tenant tenant = tenant(uniqueTenant("share"), 1, limit(30, HOUR));
		long admitted = 0;
		for (int i = 0; i < 30; i++) {
			RateLimitDecision decision = decide(limiter, request(tenant, null, null));
			assertThat(decision.source()).isEqualTo(Source.LOCAL);
			admitted += decision.allowed() ? 1 : 0;
		}
		assertThat(admitted).as("30 per hour over 3 instances").isEqualTo(10);
	}

	@Test
	void failureModesOpenAndClosedPerPlan() {
		FallbackRateLimiter limiter = fallback(failing(), FailureModePolicy
			.byPlanName(Map.of("login", FailureMode.CLOSED, "free", FailureMode.OPEN), FailureMode.LOCAL));
		Tenant login = withPlan("login");
		Tenant free = withPlan("free");
		Tenant standard = withPlan("standard");
		for (int i = 0; i < 5; i++) {
			RateLimitDecision closed = decide(limiter, request(login, null, null));
			assertThat(closed.allowed()).isFalse();
			assertThat(closed.source()).isEqualTo(Source.FAIL_CLOSED);
			assertThat(closed.retryAfterSeconds()).isPositive();
			assertThat(closed.policies()).extracting(RateLimitPolicy::name).containsExactly("tenant");
			RateLimitDecision open = decide(limiter, request(free, null, null));
			assertThat(open.allowed()).isTrue();
			assertThat(open.source()).isEqualTo(Source.FAIL_OPEN);
			assertThat(open.statuses()).isEmpty();
			assertThat(decide(limiter, request(standard, null, null)).source()).isEqualTo(Source.LOCAL);
		}
		assertThat(this.registry.find(MicrometerRateLimitMetrics.FALLBACKS)
			.tag("mode", "closed")
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum()).isEqualTo(5.0);
		assertThat(this.registry.find(MicrometerRateLimitMetrics.REJECTIONS).tag("policy", "unavailable").counter())
			.extracting(Counter::count)
			.isEqualTo(5.0);
	}

	@Test
	void aRedisLimiterThatNeverAnswersIsGivenUpAfterTheAnswerWait() {
		RateLimiter never = (request) -> new CompletableFuture<>();
		FallbackRateLimiter limiter = fallback(never, FailureModePolicy.always(FailureMode.OPEN));
		long start = System.nanoTime();
		RateLimitDecision decision = decide(limiter, request(withPlan("standard"), null, null));
		long elapsed = System.nanoTime() - start;
		assertThat(decision.source()).isEqualTo(Source.FAIL_OPEN);
		assertThat(elapsed).as("a late answer is awaited up to the answer wait (1 s), no longer")
			.isGreaterThanOrEqualTo(FAST.answerWait().toNanos())
			.isLessThan(FAST.answerWait().toNanos() + TimeUnit.MILLISECONDS.toNanos(500));
		assertThat(fallbacks("timeout")).isEqualTo(1);
	}

	@Test
	void aLateAnswerIsTheDecisionKeepsTheBreakerClosedAndAReportedEmptyBucketRejectsAtTheTimeout() {
		// Redis answers every decision 1.5 s late: within the 3 s answer wait.
		FallbackRateLimiter.Settings settings = new FallbackRateLimiter.Settings(Duration.ofMillis(100), 3,
				Duration.ofMillis(200), Duration.ofSeconds(3));
		AtomicLong left = new AtomicLong(2);
		RateLimiter late = (request) -> CompletableFuture.supplyAsync(() -> {
			long remaining = left.decrementAndGet();
			boolean allowed = remaining >= 0;
			long reset = Duration.ofMinutes(30).toNanos();
			return new RateLimitDecision(allowed, Source.REDIS, request.policies(),
					List.of(new RateLimitDecision.PolicyStatus("tenant", Math.max(0, remaining), reset)),
					allowed ? null : "tenant", allowed ? 0 : reset);
		}, CompletableFuture.delayedExecutor(1500, TimeUnit.MILLISECONDS));
		FallbackRateLimiter limiter = new FallbackRateLimiter(late, new LocalRateLimiter(1), settings,
				FailureModePolicy.always(FailureMode.LOCAL), new MicrometerRateLimitMetrics(this.registry, 10));
		Tenant tenant = tenant(uniqueTenant("late"), 1, limit(2, HOUR));
		for (int i = 0; i < 2; i++) {
			RateLimitDecision decision = decide(limiter, request(tenant, null, null), 5);
			assertThat(decision.source()).as("the late answer, not a local bucket").isEqualTo(Source.REDIS);
			assertThat(decision.allowed()).isTrue();
		}
		assertThat(limiter.isDegraded()).as("slow is not down").isFalse();
		for (int i = 0; i < 4; i++) {
			long start = System.nanoTime();
			RateLimitDecision decision = decide(limiter, request(tenant, null, null), 5);
			assertThat(decision.allowed()).isFalse();
			assertThat(decision.source()).isEqualTo(Source.LOCAL);
			assertThat(decision.retryAfterSeconds()).isBetween(29 * 60L, 30 * 60L);
			assertThat(System.nanoTime() - start).as("refused without waiting for the late answer")
				.isLessThan(TimeUnit.MILLISECONDS.toNanos(1500));
		}
		assertThat(fallbacks("slow")).isEqualTo(4);
		assertThat(limiter.isDegraded()).isFalse();
	}

	@Test
	void aLimiterThatThrowsAndAFailingLocalLimiterStillDecide() {
		RateLimiter throwing = (request) -> {
			throw new IllegalStateException("boom");
		};
		FallbackRateLimiter limiter = new FallbackRateLimiter(throwing, throwing, FAST,
				FailureModePolicy.always(FailureMode.LOCAL), RateLimitMetrics.NONE);
		RateLimitDecision decision = decide(limiter, request(withPlan("standard"), null, null));
		assertThat(decision.allowed()).isTrue();
		assertThat(decision.source()).isEqualTo(Source.FAIL_OPEN);
	}

	@Test
	void tenantTagsAreBounded() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		FallbackRateLimiter limiter = new FallbackRateLimiter(failing(), new LocalRateLimiter(1), FAST,
				FailureModePolicy.always(FailureMode.LOCAL), new MicrometerRateLimitMetrics(registry, 2));
		for (int i = 0; i < 5; i++) {
			decide(limiter, request(tenant(uniqueTenant("tag" + i), 1, limit(10, HOUR)), null, null));
		}
		List<String> tenants = registry.find(MicrometerRateLimitMetrics.DECISIONS)
			.counters()
			.stream()
			.map((counter) -> counter.getId().getTag("tenant_id"))
			.distinct()
			.toList();
		assertThat(tenants).hasSize(3).contains(MicrometerRateLimitMetrics.OTHER);
		assertThat(registry.find(MicrometerRateLimitMetrics.DECISIONS).tag("tenant_id", "other").counter())
			.extracting(Counter::count)
			.isEqualTo(3.0);
	}

	static Tenant withPlan(String plan) {
		return new Tenant(uniqueTenant(plan), null, TenantStatus.ACTIVE,
				new TenantConfig(plan, limit(1000, HOUR), null, null, null, null), 1);
	}

	static RateLimiter failing() {
		return (request) -> CompletableFuture.failedFuture(new IllegalStateException("Redis is down"));
	}

	static RateLimitDecision decide(RateLimiter limiter, RateLimitRequest request) {
		return decide(limiter, request, 2);
	}

	static RateLimitDecision decide(RateLimiter limiter, RateLimitRequest request, int seconds) {
		try {
			return limiter.consume(request).toCompletableFuture().get(seconds, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("The fallback limiter must always decide: " + ex, ex);
		}
	}

	double gauge() {
		return this.registry.get(MicrometerRateLimitMetrics.DEGRADED).gauge().value();
	}

	double fallbacks(String reason) {
		return this.registry.find(MicrometerRateLimitMetrics.FALLBACKS)
			.tag("reason", reason)
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

	double decisions(String source) {
		return this.registry.find(MicrometerRateLimitMetrics.DECISIONS)
			.tag("source", source)
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

}
