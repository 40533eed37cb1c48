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
 * <li>Throughput and latency: decisions per second and p50/p99 latency per decision at 1,
 * 8 and 64 callers, one hot tenant and a tenant per caller (64 tenants at 64 callers),
 * for every limiter and no limiter, next to the ceiling of any one-round-trip limiter on
 * this machine: {@code redis-benchmark -c 64} running a trivial {@code EVALSHA}
 * ({@code return 1}), measured before and after the limiters in the same run (needs
 * {@code redis-benchmark} on the PATH).</li>
 * </ol>
 * Run:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.tenancy.benchmarks.RateLimitComparison}
 * with optional system properties {@code decisions} (20000), {@code threads} (8),
 * {@code perInstance} (the callers of each instance, 8), {@code requests} (3600),
 * {@code rounds} (3), {@code latencyDecisions} (decisions per throughput/latency cell,
 * 20000), {@code sections} ({@code commands,latency,overadmission}). Redis is
 * {@code TENANCY_BENCH_REDIS_URL} or 127.0.0.1:6379.
 */
public final class RateLimitComparison {

	private static final Kind[] LIMITERS = { Kind.SCRIPT, Kind.OURS, Kind.GATEWAY, Kind.BUCKET4J };

	private static final Kind[] WITH_BASELINE = { Kind.NONE, Kind.SCRIPT, Kind.SCRIPT_ALONE, Kind.OURS, Kind.GATEWAY,
			Kind.BUCKET4J };

	/**
	 * {@code -Dkinds=script,ours}: only these limiters in the throughput/latency table.
	 */
	private static final List<String> KINDS = List.of(System.getProperty("kinds", "").split(","))
		.stream()
		.filter((kind) -> !kind.isBlank())
		.toList();

	private RateLimitComparison() {
	}

	public static void main(String[] args) throws Exception {
		int decisions = Integer.getInteger("decisions", 20_000);
		int threads = Integer.getInteger("threads", 8);
		int perInstance = Integer.getInteger("perInstance", 8);
		int requests = Integer.getInteger("requests", 3_600);
		int rounds = Integer.getInteger("rounds", 3);
		int latencyDecisions = Integer.getInteger("latencyDecisions", 20_000);
		String sections = System.getProperty("sections", "commands,latency,overadmission");
		try (Admin admin = new Admin()) {
			System.out.printf(Locale.ROOT, "Redis %s at %s; %d cores; load average %s%n", admin.serverVersion(),
					RateLimitPeers.redisUri(), Runtime.getRuntime().availableProcessors(), loadAverage());
			if (sections.contains("latency")) {
				throughputAndLatency(admin, latencyDecisions);
			}
			if (!sections.contains("commands")) {
				if (sections.contains("overadmission")) {
					overAdmissionSection(admin, perInstance, requests, rounds);
				}
				System.out.printf(Locale.ROOT, "%nload average after: %s%n", loadAverage());
				System.exit(0);
			}
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
			if (sections.contains("overadmission")) {
				overAdmissionSection(admin, perInstance, requests, rounds);
			}
			System.out.printf(Locale.ROOT, "%nload average after: %s%n", loadAverage());
		}
		System.exit(0);
	}

	private static void overAdmissionSection(Admin admin, int perInstance, int requests, int rounds) throws Exception {
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
	}

	/**
	 * Decisions per second and latency percentiles per limiter, scenario and number of
	 * callers, between two measurements of the trivial-EVALSHA ceiling.
	 */
	private static void throughputAndLatency(Admin admin, int decisions) throws Exception {
		double ceilingBefore = trivialEvalshaCeiling(admin);
		System.out.printf(Locale.ROOT,
				"%n## Throughput and latency (%,d decisions per cell after %,d warm-up; %s; load average %s)%n%n",
				decisions, decisions / 10,
				Boolean.getBoolean("withUser") ? "tenant and user limit (ours only)" : "tenant limit", loadAverage());
		System.out.println("| limiter | keys | callers | decisions/s | p50 µs | p99 µs | "
				+ "commandstats calls/decision | not by Redis |");
		System.out.println("|---|---|---|---|---|---|---|---|");
		Map<String, Double> rates = new java.util.LinkedHashMap<>();
		for (int callers : new int[] { 1, 8, 64 }) {
			for (String keys : (callers == 1) ? new String[] { "hot" } : new String[] { "spread", "hot" }) {
				for (Kind kind : WITH_BASELINE) {
					if (!KINDS.isEmpty() && !KINDS.contains(kind.name().toLowerCase(Locale.ROOT))) {
						rates.put(kind + "/" + keys + "/" + callers, Double.NaN);
						continue;
					}
					double rate = latencyCell(admin, kind, keys, callers, decisions);
					rates.put(kind + "/" + keys + "/" + callers, rate);
				}
			}
		}
		double ceilingAfter = trivialEvalshaCeiling(admin);
		double ceiling = (ceilingBefore + ceilingAfter) / 2;
		System.out.printf(Locale.ROOT,
				"%nTrivial EVALSHA ceiling (redis-benchmark -c 64, `return 1`): %,.0f/s before, %,.0f/s after, "
						+ "mean %,.0f/s; load average %s%n%n",
				ceilingBefore, ceilingAfter, ceiling, loadAverage());
		System.out.println("| ratio at 64 callers | spread | hot |");
		System.out.println("|---|---|---|");
		for (Kind kind : new Kind[] { Kind.OURS, Kind.BUCKET4J }) {
			System.out.printf(Locale.ROOT, "| script engine / %s | %.2f× | %.2f× |%n", kind.label(),
					rates.get("SCRIPT/spread/64") / rates.get(kind + "/spread/64"),
					rates.get("SCRIPT/hot/64") / rates.get(kind + "/hot/64"));
		}
		System.out.printf(Locale.ROOT, "| script engine / %s | %.2f× | %.2f× |%n", Kind.GATEWAY.label(),
				rates.get("SCRIPT/spread/64") / rates.get("GATEWAY/spread/64"),
				rates.get("SCRIPT/hot/64") / rates.get("GATEWAY/hot/64"));
		System.out.printf(Locale.ROOT, "| script engine alone / %s | %.2f× | %.2f× |%n", Kind.GATEWAY.label(),
				rates.get("SCRIPT_ALONE/spread/64") / rates.get("GATEWAY/spread/64"),
				rates.get("SCRIPT_ALONE/hot/64") / rates.get("GATEWAY/hot/64"));
		for (Kind kind : new Kind[] { Kind.SCRIPT, Kind.SCRIPT_ALONE, Kind.OURS, Kind.GATEWAY, Kind.BUCKET4J }) {
			System.out.printf(Locale.ROOT, "| %s / trivial EVALSHA ceiling | %.0f %% | %.0f %% |%n", kind.label(),
					100 * rates.get(kind + "/spread/64") / ceiling, 100 * rates.get(kind + "/hot/64") / ceiling);
		}
	}

	private static double latencyCell(Admin admin, Kind kind, String keys, int callers, int decisions)
			throws Exception {
		String runId = RateLimitPeers.newRunId();
		boolean spread = "spread".equals(keys);
		try (Peer peer = RateLimitPeers.create(kind, runId, spread ? callers : 1, Plan.unlimited())) {
			IntUnaryOperator tenantOf = spread ? (caller) -> caller : (caller) -> 0;
			timed(peer, callers, decisions / 10, tenantOf);
			long anomaliesBefore = peer.anomalies();
			Map<String, Long> before = admin.commandCalls();
			long start = System.nanoTime();
			long[] latencies = timed(peer, callers, decisions, tenantOf);
			long elapsed = System.nanoTime() - start;
			Map<String, Long> diff = Admin.diff(before, admin.commandCalls());
			long calls = diff.values().stream().mapToLong(Long::longValue).sum();
			java.util.Arrays.sort(latencies);
			double rate = decisions * 1e9 / elapsed;
			System.out.printf(Locale.ROOT, "| %s | %s | %d | %,.0f | %,.0f | %,.0f | %.3f | %d |%n", kind.label(), keys,
					callers, rate, latencies[(int) (latencies.length * 0.50)] / 1e3,
					latencies[Math.min(latencies.length - 1, (int) (latencies.length * 0.99))] / 1e3,
					(double) calls / decisions, peer.anomalies() - anomaliesBefore);
			return rate;
		}
		finally {
			admin.deleteRun(runId);
		}
	}

	/** {@code decisions} decisions over {@code callers} threads, each one timed. */
	private static long[] timed(Peer peer, int callers, int decisions, IntUnaryOperator tenantOf) throws Exception {
		long[] latencies = new long[decisions];
		AtomicInteger next = new AtomicInteger();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> workers = new ArrayList<>();
		for (int caller = 0; caller < callers; caller++) {
			int tenant = tenantOf.applyAsInt(caller);
			Thread worker = new Thread(() -> {
				try {
					start.await();
					int index;
					while ((index = next.getAndIncrement()) < decisions) {
						long begin = System.nanoTime();
						peer.tryAcquire(tenant);
						latencies[index] = System.nanoTime() - begin;
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
		return latencies;
	}

	/**
	 * The calls per second {@code redis-benchmark -c 64} gets from a script that does
	 * nothing ({@code return 1}) on the same Redis: the ceiling of any limiter that needs
	 * one script call per decision.
	 */
	private static double trivialEvalshaCeiling(Admin admin) throws Exception {
		String sha = admin.scriptLoad("return 1");
		io.lettuce.core.RedisURI uri = RateLimitPeers.redisUri();
		List<String> command = new ArrayList<>(List.of("redis-benchmark", "-h", uri.getHost(), "-p",
				Integer.toString(uri.getPort()), "-c", "64", "-n", "200000", "--csv", "EVALSHA", sha, "0"));
		Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
		String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		process.waitFor();
		for (String line : output.split("\r?\n")) {
			if (line.startsWith("\"EVALSHA")) {
				String[] fields = line.split("\",\"");
				return Double.parseDouble(fields[1].replace("\"", ""));
			}
		}
		throw new IllegalStateException("No result from redis-benchmark: " + output);
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
