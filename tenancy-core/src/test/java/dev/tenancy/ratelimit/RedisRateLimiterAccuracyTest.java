package dev.tenancy.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;

import static dev.tenancy.ratelimit.RateLimitTesting.decide;
import static dev.tenancy.ratelimit.RateLimitTesting.request;
import static dev.tenancy.ratelimit.RateLimitTesting.tenant;
import static dev.tenancy.ratelimit.RateLimitTesting.uniquePrefix;
import static dev.tenancy.ratelimit.RateLimitTesting.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Accuracy across instances: three Redis limiters, each with its own Lettuce client,
 * connection and event loops, decide 3,000 concurrent requests of one tenant whose plan
 * allows 1,000 per minute (burst 1,000). The request timeout is long (5 s) so that every
 * request is decided by Redis even on a loaded machine: what is measured is
 * over-admission, not latency (a fallback decision would say nothing about Redis's
 * accuracy). The latency is logged.
 */
class RedisRateLimiterAccuracyTest {

	private static final Logger logger = LoggerFactory.getLogger(RedisRateLimiterAccuracyTest.class);

	static final int INSTANCES = 3;

	static final int THREADS_PER_INSTANCE = 4;

	static final int REQUESTS = 3000;

	static final long LIMIT = 1000;

	static final Duration WINDOW = Duration.ofMinutes(1);

	/**
	 * The literal requirement, with the real clock: buckets refill at the end of each
	 * window (an interval refill), so a run shorter than the window admits at most the
	 * burst, 1,000.
	 */
	@Test
	void threeInstancesAdmitAtMostTheLimitWithTheRealClock() throws Exception {
		Result result = run(null, true);
		assertThat(result.elapsedNanos()).as("the run fits in one window").isLessThan(WINDOW.toNanos());
		assertThat(result.admitted()).isBetween(990, 1000);
	}

	/**
	 * The same with a clock that stands still on all three instances: no refill at all,
	 * so what is measured is only over-admission from concurrent compare-and-swap across
	 * instances.
	 */
	@Test
	void threeInstancesAdmitAtMostTheLimitWithTheClockStill() throws Exception {
		long now = System.currentTimeMillis() * 1_000_000;
		TimeMeter still = new TimeMeter() {

			@Override
			public long currentTimeNanos() {
				return now;
			}

			@Override
			public boolean isWallClockBased() {
				return true;
			}

		};
		Result result = run(still, true);
		assertThat(result.admitted()).isBetween(990, 1000);
	}

	/**
	 * Without batching every request is its own compare-and-swap: contention, still
	 * exact.
	 */
	@Test
	void withoutBatchingTooAtMostTheLimit() throws Exception {
		long now = System.currentTimeMillis() * 1_000_000;
		TimeMeter still = new TimeMeter() {

			@Override
			public long currentTimeNanos() {
				return now;
			}

			@Override
			public boolean isWallClockBased() {
				return true;
			}

		};
		Result result = run(still, false);
		assertThat(result.admitted()).isBetween(990, 1000);
	}

	private Result run(TimeMeter clock, boolean batching) throws Exception {
		String prefix = uniquePrefix();
		Tenant tenant = tenant(uniqueTenant("accuracy"), 1,
				new TenantConfig.RateLimit(LIMIT, WINDOW, LIMIT, null, null));
		List<Instance> instances = new ArrayList<>();
		try {
			for (int i = 0; i < INSTANCES; i++) {
				instances.add(new Instance(prefix, clock, batching));
			}
			// Warm up each instance on another tenant so class loading and JIT do not
			// count as Redis latency.
			Tenant warmUp = tenant(uniqueTenant("warm-up"), 1,
					new TenantConfig.RateLimit(1_000_000, WINDOW, 1_000_000, null, null));
			for (Instance instance : instances) {
				for (int i = 0; i < 200; i++) {
					decide(instance.redis, request(warmUp, null, null));
				}
			}
			instances.forEach((instance) -> instance.commands.reset());
			AtomicInteger admitted = new AtomicInteger();
			AtomicInteger rejected = new AtomicInteger();
			AtomicInteger notFromRedis = new AtomicInteger();
			AtomicReference<Throwable> failure = new AtomicReference<>();
			Queue<Long> latencies = new ConcurrentLinkedQueue<>();
			int threads = INSTANCES * THREADS_PER_INSTANCE;
			CountDownLatch start = new CountDownLatch(1);
			List<Thread> workers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				Instance instance = instances.get(t % INSTANCES);
				int requests = REQUESTS / threads + ((t < REQUESTS % threads) ? 1 : 0);
				workers.add(Thread.ofPlatform().start(() -> {
					try {
						start.await();
						for (int i = 0; i < requests; i++) {
							long sent = System.nanoTime();
							RateLimitDecision decision = instance.redis.consume(request(tenant, null, null))
								.toCompletableFuture()
								.get(10, TimeUnit.SECONDS);
							latencies.add(System.nanoTime() - sent);
							(decision.allowed() ? admitted : rejected).incrementAndGet();
							if (decision.source() != RateLimitDecision.Source.REDIS) {
								notFromRedis.incrementAndGet();
							}
						}
					}
					catch (Throwable ex) {
						failure.compareAndSet(null, ex);
					}
				}));
			}
			long begin = System.nanoTime();
			start.countDown();
			for (Thread worker : workers) {
				worker.join(30_000);
			}
			long elapsed = System.nanoTime() - begin;
			assertThat(failure.get()).isNull();
			assertThat(admitted.get() + rejected.get()).isEqualTo(REQUESTS);
			assertThat(notFromRedis.get()).as("decisions not made by Redis").isZero();
			long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
			logger.info(
					"Accuracy ({} clock, batching {}): {} of {} admitted by {} instances in {} ms; latency p50 {} µs, "
							+ "p99 {} µs, max {} µs; {} Redis commands per decision",
					(clock != null) ? "still" : "real", batching, admitted.get(), REQUESTS, INSTANCES,
					TimeUnit.NANOSECONDS.toMillis(elapsed), sorted[sorted.length / 2] / 1000,
					sorted[(int) (sorted.length * 0.99)] / 1000, sorted[sorted.length - 1] / 1000,
					String.format(java.util.Locale.ROOT, "%.2f",
							instances.stream().mapToLong((instance) -> instance.commands.sum()).sum()
									/ (double) REQUESTS));
			return new Result(admitted.get(), elapsed);
		}
		finally {
			instances.forEach(Instance::close);
		}
	}

	record Result(int admitted, long elapsedNanos) {
	}

	static final class Instance implements AutoCloseable {

		final ClientResources resources = ClientResources.create();

		final RedisClient client = RateLimitTesting.client(this.resources);

		final StatefulRedisConnection<String, byte[]> connection;

		final RedisRateLimiter redis;

		final LongAdder commands = new LongAdder();

		Instance(String prefix, TimeMeter clock, boolean batching) {
			this.client.setOptions(RedisRateLimiter.clientOptions(Duration.ofSeconds(5)));
			this.connection = this.client.connect(RedisRateLimiter.CODEC);
			this.redis = new RedisRateLimiter(
					new Bucket4jLettuce.LettuceBasedProxyManagerBuilder<>(RedisRateLimiterTest
						.counting(this.connection.async(), (command) -> this.commands.increment())),
					RedisRateLimiter.Settings.defaults()
						.withKeyPrefix(prefix)
						.withBatching(batching)
						.withRequestTimeout(Duration.ofSeconds(5)),
					clock);
		}

		@Override
		public void close() {
			this.connection.close();
			this.client.shutdown();
			this.resources.shutdown();
		}

	}

}
