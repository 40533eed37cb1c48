package dev.tenancy.sample;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import dev.tenancy.sample.RateLimiting.Instance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Accuracy across instances, end to end: three instances of the app (separate contexts,
 * each with its own Redis connection) receive 3,000 requests over HTTP for one tenant
 * whose plan allows 1,000 per minute. At most 1,000 are admitted and at least 990, every
 * other answer is a 429, and every decision was made in Redis (no instance fell back).
 */
@LocalAppTest
class RateLimitAccuracyTest {

	private static final Logger logger = LoggerFactory.getLogger(RateLimitAccuracyTest.class);

	static final int REQUESTS = 3000;

	static final int THREADS_PER_INSTANCE = 4;

	static final long LIMIT = 1000;

	static final Duration WINDOW = Duration.ofMinutes(1);

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Test
	void threeInstancesAdmitAtMostThePlansLimit() throws Exception {
		List<Instance> instances = RateLimiting.instances(this.context, this.port);
		String id = RateLimiting.uniqueTenant("accuracy");
		RateLimiting.create(this.context, id, RateLimiting.limit(LIMIT, WINDOW, null));
		warmUp(instances);

		int threads = instances.size() * THREADS_PER_INSTANCE;
		AtomicInteger admitted = new AtomicInteger();
		AtomicInteger rejected = new AtomicInteger();
		Map<Integer, AtomicInteger> others = new ConcurrentHashMap<>();
		Map<String, AtomicInteger> admittedBy = new ConcurrentHashMap<>();
		Queue<Long> latencies = new ConcurrentLinkedQueue<>();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			Instance instance = instances.get(t % instances.size());
			String bearer = instance.bearer(id, id + "-client");
			int requests = REQUESTS / threads + ((t < REQUESTS % threads) ? 1 : 0);
			workers.add(Thread.ofPlatform().start(() -> {
				try {
					start.await();
					for (int i = 0; i < requests; i++) {
						long sent = System.nanoTime();
						HttpResponse<String> response = instance.get("/api/tenant", bearer);
						latencies.add(System.nanoTime() - sent);
						switch (response.statusCode()) {
							case 200 -> {
								admitted.incrementAndGet();
								admittedBy.computeIfAbsent(instance.name(), (name) -> new AtomicInteger())
									.incrementAndGet();
							}
							case 429 -> rejected.incrementAndGet();
							default -> others.computeIfAbsent(response.statusCode(), (status) -> new AtomicInteger())
								.incrementAndGet();
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
			worker.join(120_000);
		}
		long elapsed = System.nanoTime() - begin;

		assertThat(failure.get()).isNull();
		assertThat(others).as("answers other than 200 and 429").isEmpty();
		assertThat(admitted.get() + rejected.get()).isEqualTo(REQUESTS);
		assertThat(elapsed).as("the run fits in the plan's window, or the count would include a refill")
			.isLessThan(WINDOW.toNanos());
		long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
		logger.info("Accuracy over HTTP: {} of {} admitted by {} instances ({}) in {} ms; latency p50 {} ms, p99 {} ms",
				admitted.get(), REQUESTS, instances.size(), admittedBy, TimeUnit.NANOSECONDS.toMillis(elapsed),
				sorted[sorted.length / 2] / 1_000_000, sorted[(int) (sorted.length * 0.99)] / 1_000_000);
		assertThat(admitted.get()).isBetween(990, (int) LIMIT);
		for (Instance instance : instances) {
			assertThat(instance.fallbacks(id)).as("decisions %s made without Redis", instance).isZero();
			assertThat(admittedBy.get(instance.name())).as("admitted by %s", instance).isNotNull();
		}
		RateLimiting.assertEveryKeyHasATtl();
	}

	/** Class loading, JIT and connections before the measured run, on another tenant. */
	private static void warmUp(List<Instance> instances) {
		String warmUp = RateLimiting.uniqueTenant("warm-up");
		RateLimiting.create(instances.get(0).context(), warmUp, RateLimiting.limit(1_000_000, WINDOW, null));
		for (Instance instance : instances) {
			String bearer = instance.bearer(warmUp, warmUp + "-client");
			for (int i = 0; i < 50; i++) {
				assertThat(instance.get("/api/tenant", bearer).statusCode()).isEqualTo(200);
			}
		}
	}

}
