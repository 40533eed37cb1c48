package dev.tenancy.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.Tenant;
import dev.tenancy.ratelimit.RateLimitDecision.Source;

import static dev.tenancy.ratelimit.RateLimitTesting.limit;
import static dev.tenancy.ratelimit.RateLimitTesting.request;
import static dev.tenancy.ratelimit.RateLimitTesting.tenant;
import static dev.tenancy.ratelimit.RateLimitTesting.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Degraded mode against a Redis of the test's own that it slows down ({@code SIGSTOP}),
 * kills and restarts, with several limiter instances (each a {@link FallbackRateLimiter}
 * over its own engine and connection and a {@link LocalRateLimiter}) at the production
 * settings: 100 ms timeout, 1 s answer wait, breaker after 5 failures, probe after 1 s.
 * <p>
 * Engine-agnostic: a subclass says how to build the Redis engine.
 */
abstract class DegradedModeCases {

	private static final Logger logger = LoggerFactory.getLogger(DegradedModeCases.class);

	static final Duration HOUR = Duration.ofHours(1);

	static final FallbackRateLimiter.Settings PRODUCTION = FallbackRateLimiter.Settings.defaults();

	OwnRedisServer redis;

	String prefix;

	final List<AutoCloseable> closeables = new ArrayList<>();

	final List<Process> busy = new ArrayList<>();

	/**
	 * A Redis engine on its own connection.
	 * @param uri the server
	 * @param keyPrefix the key prefix
	 * @param commandTimeout how long one command may take (the answer wait)
	 * @return the engine and what closes it
	 */
	abstract Engine engine(RedisURI uri, String keyPrefix, Duration commandTimeout);

	/** An engine and what closes it. */
	record Engine(RateLimiter limiter, AutoCloseable closer) {
	}

	@BeforeEach
	void startRedis() {
		this.redis = OwnRedisServer.start();
		this.prefix = RateLimitTesting.uniquePrefix();
	}

	@AfterEach
	void stop() throws Exception {
		stopBusyLoad();
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Test
	void twoInstancesAdmitExactlyTheLimitOnABusyMachine() throws Exception {
		List<FallbackRateLimiter> instances = List.of(instance(1), instance(1));
		startBusyLoad(8);
		for (int round = 0; round < 3; round++) {
			Tenant tenant = tenant(uniqueTenant("busy"), 1, limit(40, HOUR));
			Burst burst = burst(instances, tenant, 120, 0);
			logger.info("Busy machine, 2 instances (expected-instances 1), round {}: {}", round, burst);
			assertThat(burst.admitted()).as("40 per hour across two instances, 120 concurrent requests").isEqualTo(40);
			assertThat(burst.localAdmitted()).isZero();
		}
	}

	@Test
	void twoInstancesAdmitExactlyTheLimitWhileRedisIsSlowerThanTheTimeout() throws Exception {
		List<FallbackRateLimiter> instances = List.of(instance(1), instance(1));
		Tenant tenant = tenant(uniqueTenant("slow"), 1, limit(40, HOUR));
		// Redis answers every decision of the burst 400 ms late: four times the timeout,
		// within the answer wait.
		Burst burst = burst(instances, tenant, 120, 400);
		logger.info("Redis 400 ms late, 2 instances: {}", burst);
		assertThat(burst.slowest()).as("the decisions were slower than the timeout")
			.isGreaterThan(PRODUCTION.timeout().toNanos());
		assertThat(burst.admitted()).isEqualTo(40);
		assertThat(burst.localAdmitted()).isZero();
		assertThat(instances).noneMatch(FallbackRateLimiter::isDegraded);
	}

	@Test
	void threeInstancesAdmitExactlyTheLimitOnABusyMachineWithRedisPausedMidBurst() throws Exception {
		List<FallbackRateLimiter> instances = List.of(instance(3), instance(3), instance(3));
		startBusyLoad(8);
		Tenant tenant = tenant(uniqueTenant("three"), 1, limit(60, HOUR));
		Burst burst = burst(instances, tenant, 180, 300);
		logger.info("Busy machine, Redis paused 300 ms, 3 instances: {}", burst);
		assertThat(burst.admitted()).isEqualTo(60);
		assertThat(burst.localAdmitted()).isZero();
	}

	@Test
	void aDrainedBucketAdmitsNothingWhileRedisIsPausedLongerThanTheAnswerWait() throws Exception {
		// The default expected-instances (1): a fresh local bucket would admit 40 on
		// each.
		FallbackRateLimiter a = instance(1);
		FallbackRateLimiter b = instance(1);
		Tenant tenant = tenant(uniqueTenant("drained"), 1, limit(40, HOUR));
		int admitted = 0;
		for (int i = 0; i < 20; i++) {
			admitted += allowed(a, tenant) + allowed(b, tenant);
		}
		assertThat(admitted).isEqualTo(40);
		assertThat(allowed(a, tenant) + allowed(b, tenant)).as("both saw Redis reject").isZero();

		this.redis.pause();
		try {
			// A first wave waits for Redis, is refused at the timeout from the report,
			// and its commands fail after the answer wait: the breakers open.
			Burst stuck = burst(List.of(a, b), tenant, 20, 0);
			assertThat(stuck.admitted()).isZero();
			long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
			while ((!a.isDegraded() || !b.isDegraded()) && System.nanoTime() < until) {
				Thread.sleep(20);
			}
			assertThat(a.isDegraded()).as("Redis paused beyond the answer wait opens the breaker").isTrue();
			assertThat(b.isDegraded()).isTrue();
			// Now the local limiters decide, from the state Redis last reported: empty.
			Burst local = burst(List.of(a, b), tenant, 40, 0);
			logger.info("Redis paused, breakers open: {}", local);
			assertThat(local.admitted()).as("no request admitted by the fallback").isZero();
			assertThat(local.bySource().getOrDefault(Source.LOCAL, 0)).isEqualTo(40);
			for (RateLimitDecision decision : local.decisions()) {
				assertThat(decision.retryAfterNanos()).as("retry when Redis would refill")
					.isGreaterThan(TimeUnit.MINUTES.toNanos(50));
			}
		}
		finally {
			this.redis.resume();
		}
		assertThat(remaining(tenant)).isZero();
	}

	@Test
	void tokensAdmittedLocallyWhileRedisIsDownAreChargedWhenItIsBack() throws Exception {
		FallbackRateLimiter a = instance(2);
		FallbackRateLimiter b = instance(2);
		Tenant tenant = tenant(uniqueTenant("outage"), 1, limit(100, HOUR));
		int admitted = 0;
		for (int i = 0; i < 9; i++) {
			admitted += allowed(a, tenant);
		}
		admitted += allowed(b, tenant);
		assertThat(admitted).isEqualTo(10);

		this.redis.kill();
		int localA = 0;
		int localB = 0;
		for (int i = 0; i < 60; i++) {
			localA += allowed(a, tenant);
			localB += allowed(b, tenant);
		}
		logger.info("Redis down: {} and {} admitted locally", localA, localB);
		// Each instance starts from the 91 and 90 tokens Redis last reported to it, at
		// its share of two: 45 each, so all instances together stay within the plan.
		assertThat(localA).isEqualTo(45);
		assertThat(localB).isEqualTo(45);
		assertThat(admitted + localA + localB).isLessThanOrEqualTo(100);
		admitted += localA + localB;

		this.redis.restart();
		admitted += untilRedisDecides(a, tenant);
		admitted += untilRedisDecides(b, tenant);
		assertThat(remaining(tenant)).as("Redis knows every token admitted, locally or not")
			.isEqualTo(Math.max(0, 100 - admitted));
	}

	@Test
	void aFailedChargeIsRetriedAtTheNextRecoveryNeitherLostNorDoubled() throws Exception {
		Engine engine = engine(this.redis.uri(), this.prefix, PRODUCTION.answerWait());
		this.closeables.add(engine.closer());
		CountingCharges counting = new CountingCharges(engine.limiter());
		FallbackRateLimiter a = new FallbackRateLimiter(counting, new LocalRateLimiter(1), PRODUCTION,
				FailureModePolicy.always(FailureMode.LOCAL), RateLimitMetrics.NONE);
		Tenant tenant = tenant(uniqueTenant("retry"), 1, limit(100, HOUR, 50, null));
		int admitted = allowed(a, tenant, "alice");

		this.redis.kill();
		for (int i = 0; i < 10; i++) {
			admitted += allowed(a, tenant, "alice");
		}
		assertThat(admitted).isEqualTo(11);
		// The probe after the open duration charges first; Redis is still down, so the
		// charge fails and is kept.
		long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (counting.failed.get() == 0 && System.nanoTime() < until) {
			admitted += allowed(a, tenant, "alice");
			Thread.sleep(50);
		}
		assertThat(counting.failed.get()).as("a charge was tried while Redis was down").isPositive();
		assertThat(counting.succeeded.get()).isZero();

		this.redis.restart();
		admitted += untilRedisDecides(a, tenant, "alice");
		assertThat(counting.succeeded.get()).as("charged once, at the recovery").isEqualTo(1);
		assertThat(remaining(tenant)).isEqualTo(100 - admitted);
		assertThat(remaining(tenant, "alice")).isEqualTo(50 - admitted);

		// Another outage: what was charged is not charged again, what is new is.
		this.redis.kill();
		this.redis.restart();
		admitted += untilRedisDecides(a, tenant, "alice");
		assertThat(remaining(tenant)).isEqualTo(100 - admitted);
		assertThat(remaining(tenant, "alice")).isEqualTo(50 - admitted);
	}

	FallbackRateLimiter instance(int expectedInstances) {
		Engine engine = engine(this.redis.uri(), this.prefix, PRODUCTION.answerWait());
		this.closeables.add(engine.closer());
		return new FallbackRateLimiter(engine.limiter(), new LocalRateLimiter(expectedInstances), PRODUCTION,
				FailureModePolicy.always(FailureMode.LOCAL), RateLimitMetrics.NONE);
	}

	/** The tokens left in Redis, asked through an engine of its own. */
	long remaining(Tenant tenant) throws Exception {
		return remaining(tenant, null);
	}

	long remaining(Tenant tenant, String user) throws Exception {
		Engine engine = engine(this.redis.uri(), this.prefix, Duration.ofSeconds(2));
		try {
			RateLimitDecision peek = engine.limiter()
				.peek(request(tenant, user, null))
				.toCompletableFuture()
				.get(5, TimeUnit.SECONDS);
			String policy = (user != null) ? RateLimitPolicy.USER : RateLimitPolicy.TENANT;
			return peek.statuses()
				.stream()
				.filter((status) -> status.policy().equals(policy))
				.findFirst()
				.orElseThrow()
				.remaining();
		}
		finally {
			engine.closer().close();
		}
	}

	/** Decides until Redis decides again (the breaker's probe), counting admissions. */
	int untilRedisDecides(FallbackRateLimiter limiter, Tenant tenant) throws Exception {
		return untilRedisDecides(limiter, tenant, null);
	}

	int untilRedisDecides(FallbackRateLimiter limiter, Tenant tenant, String user) throws Exception {
		int admitted = 0;
		long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (System.nanoTime() < until) {
			RateLimitDecision decision = decide(limiter, tenant, user);
			admitted += decision.allowed() ? 1 : 0;
			if (decision.source() == Source.REDIS) {
				return admitted;
			}
			Thread.sleep(50);
		}
		throw new AssertionError("Redis did not decide again within 10 s");
	}

	static int allowed(RateLimiter limiter, Tenant tenant) {
		return allowed(limiter, tenant, null);
	}

	static int allowed(RateLimiter limiter, Tenant tenant, String user) {
		return decide(limiter, tenant, user).allowed() ? 1 : 0;
	}

	static RateLimitDecision decide(RateLimiter limiter, Tenant tenant, String user) {
		try {
			return limiter.consume(request(tenant, user, null)).toCompletableFuture().get(5, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("No decision: " + ex, ex);
		}
	}

	/**
	 * Requests at once, spread over the instances, each on a thread of its own as a
	 * servlet container would. With {@code pauseMillis > 0} Redis is paused for that long
	 * just before they start.
	 */
	Burst burst(List<FallbackRateLimiter> instances, Tenant tenant, int requests, long pauseMillis)
			throws InterruptedException {
		CountDownLatch ready = new CountDownLatch(requests);
		CountDownLatch go = new CountDownLatch(1);
		List<RateLimitDecision> decisions = java.util.Collections.synchronizedList(new ArrayList<>());
		AtomicLong slowest = new AtomicLong();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < requests; i++) {
			FallbackRateLimiter instance = instances.get(i % instances.size());
			threads.add(Thread.ofPlatform().daemon().start(() -> {
				ready.countDown();
				try {
					go.await();
					long start = System.nanoTime();
					decisions.add(decide(instance, tenant, null));
					slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}));
		}
		ready.await(10, TimeUnit.SECONDS);
		if (pauseMillis > 0) {
			this.redis.pause();
		}
		go.countDown();
		if (pauseMillis > 0) {
			try {
				Thread.sleep(pauseMillis);
			}
			finally {
				this.redis.resume();
			}
		}
		for (Thread thread : threads) {
			thread.join(10_000);
		}
		assertThat(decisions).as("every request was decided").hasSize(requests);
		return new Burst(List.copyOf(decisions), slowest.get());
	}

	record Burst(List<RateLimitDecision> decisions, long slowest) {

		long admitted() {
			return this.decisions.stream().filter(RateLimitDecision::allowed).count();
		}

		long localAdmitted() {
			return this.decisions.stream()
				.filter((decision) -> decision.allowed() && decision.source() != Source.REDIS)
				.count();
		}

		Map<Source, Integer> bySource() {
			Map<Source, Integer> counts = new EnumMap<>(Source.class);
			this.decisions.forEach((decision) -> counts.merge(decision.source(), 1, Integer::sum));
			return counts;
		}

		@Override
		public String toString() {
			return admitted() + " admitted of " + this.decisions.size() + ", by source " + bySource() + ", slowest "
					+ this.slowest / 1_000_000 + " ms";
		}

	}

	void startBusyLoad(int processes) throws Exception {
		for (int i = 0; i < processes; i++) {
			this.busy.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
		}
		Thread.sleep(200);
	}

	void stopBusyLoad() throws InterruptedException {
		for (Process process : this.busy) {
			process.destroyForcibly();
			process.waitFor(5, TimeUnit.SECONDS);
		}
		this.busy.clear();
	}

	/** An engine whose charges are counted by outcome. */
	static final class CountingCharges implements RateLimiter {

		private final RateLimiter delegate;

		final AtomicInteger succeeded = new AtomicInteger();

		final AtomicInteger failed = new AtomicInteger();

		CountingCharges(RateLimiter delegate) {
			this.delegate = delegate;
		}

		@Override
		public CompletionStage<RateLimitDecision> consume(RateLimitRequest request) {
			return this.delegate.consume(request);
		}

		@Override
		public CompletionStage<RateLimitDecision> peek(RateLimitRequest request) {
			return this.delegate.peek(request);
		}

		@Override
		public CompletionStage<Void> charge(RateLimitRequest request, long tokens) {
			CompletableFuture<Void> charged;
			try {
				charged = this.delegate.charge(request, tokens).toCompletableFuture();
			}
			catch (RuntimeException ex) {
				charged = CompletableFuture.failedFuture(ex);
			}
			return charged
				.whenComplete((ignored, ex) -> ((ex != null) ? this.failed : this.succeeded).incrementAndGet());
		}

	}

}
