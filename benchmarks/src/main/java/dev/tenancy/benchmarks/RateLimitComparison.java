package dev.tenancy.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntUnaryOperator;

import dev.tenancy.benchmarks.RateLimitPeers.Admin;
import dev.tenancy.benchmarks.RateLimitPeers.Kind;
import dev.tenancy.benchmarks.RateLimitPeers.Peer;
import dev.tenancy.benchmarks.RateLimitPeers.Plan;

/**
 * The rate-limit measurements that are not JMH benchmarks, for ours, Spring Cloud
 * Gateway's {@code RedisRateLimiter} and plain bucket4j-lettuce (see
 * {@link RateLimitPeers}):
 * <ol>
 * <li>Redis commands per decision: {@code INFO commandstats} (sum of {@code calls} over
 * all commands, {@code info} excluded; commands a Lua script runs count too) before and
 * after a fixed number of decisions at a fixed concurrency, next to the commands each
 * client sent (its round trips), for one hot tenant admitted, one tenant per caller
 * admitted, and one hot tenant rejected, with the Redis main thread's CPU time per
 * decision ({@code INFO cpu}). Only meaningful on a Redis nobody else uses
 * meanwhile.</li>
 * <li>Over-admission: three limiter instances (three Redis clients) with {@code N}
 * callers each send requests for one tenant as fast as they can, on a plan of 1,000 per
 * minute with burst 1,000; admitted requests are compared with what the plan allows over
 * the run (burst plus refill during the run).</li>
 * </ol>
 * Run:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.tenancy.benchmarks.RateLimitComparison}
 * with optional system properties {@code decisions} (20000), {@code threads} (8),
 * {@code perInstance} (the callers of each instance, 8), {@code requests} (3600),
 * {@code rounds} (3). Redis is {@code TENANCY_BENCH_REDIS_URL} or 127.0.0.1:6379.
 */
public final class RateLimitComparison {

	private static final Kind[] LIMITERS = { Kind.OURS, Kind.GATEWAY, Kind.BUCKET4J };

	private RateLimitComparison() {
	}

	public static void main(String[] args) throws Exception {
		int decisions = Integer.getInteger("decisions", 20_000);
		int threads = Integer.getInteger("threads", 8);
		int perInstance = Integer.getInteger("perInstance", 8);
		int requests = Integer.getInteger("requests", 3_600);
		int rounds = Integer.getInteger("rounds", 3);
		try (Admin admin = new Admin()) {
			System.out.printf(Locale.ROOT, "Redis %s at %s; %d cores; load average %s%n", admin.serverVersion(),
					RateLimitPeers.redisUri(), Runtime.getRuntime().availableProcessors(), loadAverage());
			System.out.printf(Locale.ROOT,
					"%n## Redis commands per decision (%,d decisions, %d threads, after %,d warm-up decisions)%n%n",
					decisions, threads, decisions / 10);
			System.out.println("| limiter | scenario | admitted | rejected | client commands/decision | "
					+ "commandstats calls/decision | commandstats breakdown (calls/decision) | Redis main-thread CPU µs/decision | "
					+ "decisions/s | not by Redis |");
			System.out.println("|---|---|---|---|---|---|---|---|---|---|");
			for (Scenario scenario : Scenario.values()) {
				for (Kind kind : LIMITERS) {
					commandsPerDecision(admin, kind, scenario, decisions, threads);
				}
			}
			System.out.printf(Locale.ROOT,
					"%n## Over-admission: 3 instances x %d callers, one tenant, 1,000/min burst 1,000, %,d requests%n%n",
					perInstance, requests);
			System.out.println("| limiter | round | sent | admitted | allowed (burst + refill) | over-admitted | "
					+ "elapsed ms | client commands/decision | not by Redis |");
			System.out.println("|---|---|---|---|---|---|---|---|---|");
			for (Kind kind : LIMITERS) {
				for (int round = 1; round <= rounds; round++) {
					overAdmission(admin, kind, round, perInstance, requests);
				}
			}
			System.out.printf(Locale.ROOT, "%nload average after: %s%n", loadAverage());
		}
		System.exit(0);
	}

	enum Scenario {

		HOT_ADMITTED("one tenant, admitted"), SPREAD_ADMITTED("a tenant per caller, admitted"),
		HOT_REJECTED("one tenant, rejected");

		final String label;

		Scenario(String label) {
			this.label = label;
		}

	}

	private static void commandsPerDecision(Admin admin, Kind kind, Scenario scenario, int decisions, int threads)
			throws Exception {
		String runId = RateLimitPeers.newRunId();
		boolean spread = scenario == Scenario.SPREAD_ADMITTED;
		Plan plan = (scenario == Scenario.HOT_REJECTED) ? Plan.exhausted() : Plan.unlimited();
		try (Peer peer = RateLimitPeers.create(kind, runId, spread ? threads : 1, plan)) {
			IntUnaryOperator tenantOf = spread ? (caller) -> caller : (caller) -> 0;
			run(peer, threads, decisions / 10, tenantOf); // warm-up: scripts loaded, keys
															// exist, JIT
			long commandsBefore = peer.commands();
			long anomaliesBefore = peer.anomalies();
			Map<String, Long> before = admin.commandCalls();
			double cpuBefore = admin.mainThreadCpuSeconds();
			long start = System.nanoTime();
			long admitted = run(peer, threads, decisions, tenantOf);
			long elapsed = System.nanoTime() - start;
			double cpu = admin.mainThreadCpuSeconds() - cpuBefore;
			Map<String, Long> after = admin.commandCalls();
			long commands = peer.commands() - commandsBefore;
			Map<String, Long> diff = Admin.diff(before, after);
			long total = diff.values().stream().mapToLong(Long::longValue).sum();
			StringBuilder breakdown = new StringBuilder();
			diff.forEach((name, calls) -> breakdown.append(breakdown.isEmpty() ? "" : ", ")
				.append(name)
				.append(' ')
				.append(String.format(Locale.ROOT, "%.2f", (double) calls / decisions)));
			System.out.printf(Locale.ROOT, "| %s | %s | %,d | %,d | %.3f | %.3f | %s | %.1f | %,.0f | %d |%n",
					kind.label(), scenario.label, admitted, decisions - admitted, (double) commands / decisions,
					(double) total / decisions, breakdown, cpu * 1e6 / decisions, decisions * 1e9 / elapsed,
					peer.anomalies() - anomaliesBefore);
		}
		finally {
			admin.deleteRun(runId);
		}
	}

	/**
	 * {@code decisions} decisions over {@code threads} callers; returns how many were
	 * admitted.
	 */
	private static long run(Peer peer, int threads, int decisions, IntUnaryOperator tenantOf) throws Exception {
		AtomicInteger remaining = new AtomicInteger(decisions);
		AtomicLong admitted = new AtomicLong();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> workers = new ArrayList<>();
		for (int caller = 0; caller < threads; caller++) {
			int tenant = tenantOf.applyAsInt(caller);
			Thread worker = new Thread(() -> {
				try {
					start.await();
					while (remaining.getAndDecrement() > 0) {
						if (peer.tryAcquire(tenant)) {
							admitted.incrementAndGet();
						}
					}
				}
				catch (Throwable ex) {
					failure.compareAndSet(null, ex);
				}
			});
			worker.start();
			workers.add(worker);
		}
		start.countDown();
		for (Thread worker : workers) {
			worker.join();
		}
		if (failure.get() != null) {
			throw new IllegalStateException("a caller failed", failure.get());
		}
		return admitted.get();
	}

	private static void overAdmission(Admin admin, Kind kind, int round, int perInstance, int requests)
			throws Exception {
		String runId = RateLimitPeers.newRunId();
		Plan plan = Plan.perMinute(1_000);
		List<Peer> instances = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				instances.add(RateLimitPeers.create(kind, runId, 1, plan)); // same run,
																			// same
																			// tenant: one
																			// key
			}
			AtomicInteger remaining = new AtomicInteger(requests);
			AtomicLong admitted = new AtomicLong();
			AtomicReference<Throwable> failure = new AtomicReference<>();
			CountDownLatch start = new CountDownLatch(1);
			List<Thread> workers = new ArrayList<>();
			for (Peer instance : instances) {
				for (int caller = 0; caller < perInstance; caller++) {
					Thread worker = new Thread(() -> {
						try {
							start.await();
							while (remaining.getAndDecrement() > 0) {
								if (instance.tryAcquire(0)) {
									admitted.incrementAndGet();
								}
							}
						}
						catch (Throwable ex) {
							failure.compareAndSet(null, ex);
						}
					});
					worker.start();
					workers.add(worker);
				}
			}
			long begin = System.nanoTime();
			start.countDown();
			for (Thread worker : workers) {
				worker.join();
			}
			long elapsed = System.nanoTime() - begin;
			if (failure.get() != null) {
				throw new IllegalStateException("a caller failed", failure.get());
			}
			long allowed = (kind == Kind.GATEWAY)
					// whole-second refill on Redis TIME: at most floor(elapsed s) + 1
					// second boundaries crossed
					? plan.burst() + (long) Math
						.floor(plan.limit() * (Math.floor(elapsed / 1e9) + 1) / plan.window().toSeconds())
					: plan.allowed(elapsed);
			long commands = instances.stream().mapToLong(Peer::commands).sum();
			long anomalies = instances.stream().mapToLong(Peer::anomalies).sum();
			System.out.printf(Locale.ROOT, "| %s | %d | %,d | %,d | %,d | %,d | %,.0f | %.3f | %d |%n", kind.label(),
					round, requests, admitted.get(), allowed, Math.max(0, admitted.get() - allowed), elapsed / 1e6,
					(double) commands / requests, anomalies);
		}
		finally {
			for (Peer instance : instances) {
				instance.close();
			}
			admin.deleteRun(runId);
		}
	}

	private static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).trim();
		}
		catch (IOException ex) {
			return "n/a";
		}
	}

}
