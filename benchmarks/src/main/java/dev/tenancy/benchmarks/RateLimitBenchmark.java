package dev.tenancy.benchmarks;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

import dev.tenancy.benchmarks.RateLimitPeers.Kind;
import dev.tenancy.benchmarks.RateLimitPeers.Peer;
import dev.tenancy.benchmarks.RateLimitPeers.Plan;

/**
 * Rate-limit decisions per second and their latency, side by side on one Redis: no
 * limiter ({@link #none}), and {@link #decide} for ours (the script engine,
 * {@code script}, and the bucket4j engine, {@code ours}), Spring Cloud Gateway's
 * {@code RedisRateLimiter} and plain bucket4j-lettuce (see {@link RateLimitPeers}). The
 * plan is big enough never to reject, so every decision is an admission (the expensive
 * path: bucket4j writes only on admission). The rejected path is measured by
 * {@link RateLimitComparison}.
 * <p>
 * Concurrent callers are JMH threads: run with {@code -t 1}, {@code -t 8} and
 * {@code -t 64}. {@code keys=hot}: every caller decides for the same tenant (one Redis
 * key, the case batching helps and compare-and-swap contention hurts);
 * {@code keys=spread}: each caller its own tenant (nothing to batch). With one caller
 * both are the same, so {@code -t 1} runs need only {@code -p keys=hot}.
 * <p>
 * Each trial uses keys under a prefix of its own and deletes them afterwards; at the end
 * of each trial it prints the Redis commands the limiter sent per decision (Lettuce
 * command listener), and how many decisions were not made by Redis (fallbacks or
 * fail-open answers; expected 0). Redis is {@code TENANCY_BENCH_REDIS_URL} or
 * 127.0.0.1:6379.
 */
@BenchmarkMode({ Mode.Throughput, Mode.SampleTime })
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class RateLimitBenchmark {

	/**
	 * Tenants available to callers; {@code keys=spread} gives each caller its own (64
	 * callers at most distinct).
	 */
	static final int TENANTS = 64;

	@State(Scope.Benchmark)
	public static class Limiter {

		@Param({ "script", "script_alone", "ours", "gateway", "bucket4j" })
		public String limiter;

		@Param({ "hot", "spread" })
		public String keys;

		String runId;

		Peer peer;

		final LongAdder decisions = new LongAdder();

		final LongAdder rejections = new LongAdder();

		final AtomicInteger callers = new AtomicInteger();

		@Setup(Level.Trial)
		public void setUp() {
			this.runId = RateLimitPeers.newRunId();
			this.peer = RateLimitPeers.create(Kind.valueOf(this.limiter.toUpperCase(Locale.ROOT)), this.runId, TENANTS,
					Plan.unlimited());
		}

		int tenantOf(int caller) {
			return "hot".equals(this.keys) ? 0 : caller % TENANTS;
		}

		@TearDown(Level.Trial)
		public void tearDown(BenchmarkParams params) {
			long decisions = this.decisions.sum();
			long commands = this.peer.commands();
			System.out.printf(Locale.ROOT,
					"%n[rate-limit] %s keys=%s threads=%d mode=%s: decisions=%d rejected=%d redis commands=%d"
							+ " commands/decision=%.3f not-by-redis=%d%n",
					this.limiter, this.keys, params.getThreads(), params.getMode().shortLabel(), decisions,
					this.rejections.sum(), commands, (decisions > 0) ? (double) commands / decisions : 0.0,
					this.peer.anomalies());
			this.peer.close();
			try (RateLimitPeers.Admin admin = new RateLimitPeers.Admin()) {
				admin.deleteRun(this.runId);
			}
		}

	}

	@State(Scope.Benchmark)
	public static class Baseline {

		Peer peer;

		@Setup(Level.Trial)
		public void setUp() {
			this.peer = RateLimitPeers.create(Kind.NONE, "none", 1, Plan.unlimited());
		}

	}

	@State(Scope.Thread)
	public static class Caller {

		int tenant;

		@Setup(Level.Trial)
		public void setUp(Limiter limiter) {
			this.tenant = limiter.tenantOf(limiter.callers.getAndIncrement());
		}

	}

	@Benchmark
	public boolean none(Baseline baseline) {
		return baseline.peer.tryAcquire(0);
	}

	@Benchmark
	public boolean decide(Limiter limiter, Caller caller) {
		boolean allowed = limiter.peer.tryAcquire(caller.tenant);
		limiter.decisions.increment();
		if (!allowed) {
			limiter.rejections.increment();
		}
		return allowed;
	}

}
