package dev.tenancy.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

/**
 * How fast a tenant change made on the config server reaches a fleet, and what the fleet
 * costs the config server. Two modes ({@code -Dmode=}):
 * <ul>
 * <li>{@code instances}: real sample-app instances
 * ({@code -Dapps=http://127.0.0.1:19521,...} and a tenant's bearer token
 * {@code -Dtoken=}): the tenant is suspended and resumed through the admin API
 * {@code rounds} times, and every instance's {@code /api/tenant} is polled (every 2 ms,
 * one thread per instance) until it flips; per change, the time until the LAST instance
 * flipped is recorded.</li>
 * <li>{@code watchers}: {@code watchers} simulated instances, each a lightweight AMQP
 * consumer (a server-named, exclusive, auto-delete queue bound to the bus exchange,
 * {@code connections} shared connections) that does what an instance does: on a gap in
 * the pushed cursors it catches up on the authenticated changes feed, and every
 * {@code safetyPoll} it polls the feed. Changes are made at {@code rate} per second for
 * {@code seconds}; per change the time until the last watcher received it is recorded,
 * and the config server's CPU time ({@code /proc/<pid>/stat} of {@code -DserverPid=})
 * over the run is compared with the same time idle.</li>
 * </ul>
 * The config server: {@code -Dserver=http://127.0.0.1:19510}, admin token
 * {@code -DadminToken=}, feed credentials {@code -Dclient=sample-app:sample-app-secret},
 * bus exchange {@code -Ddestination=springCloudBus}, tenant {@code -Dtenant=acme}.
 */
public final class ConfigChangeFanout {

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private static final Pattern CURSOR = Pattern.compile("\"cursor\"\\s*:\\s*(\\d+)");

	private static final Pattern TYPE = Pattern.compile("\"type\"\\s*:\\s*\"TenantChangedRemoteEvent\"");

	private final String server = System.getProperty("server", "http://127.0.0.1:19510");

	private final String adminToken = System.getProperty("adminToken", "local-demo-admin-token");

	private final String client = System.getProperty("client", "sample-app:sample-app-secret");

	private final String tenant = System.getProperty("tenant", "acme");

	private ConfigChangeFanout() {
	}

	public static void main(String[] args) throws Exception {
		ConfigChangeFanout fanout = new ConfigChangeFanout();
		String mode = System.getProperty("mode", "watchers");
		if (mode.equals("instances")) {
			fanout.instances();
		}
		else {
			fanout.watchers();
		}
	}

	// --- real instances

	private void instances() throws Exception {
		List<String> apps = Arrays.asList(System.getProperty("apps").split(","));
		String token = System.getProperty("token");
		int rounds = Integer.getInteger("rounds", 50);
		// Suspend/resume pairs made first and left out of the figures: the instances'
		// first changes run code the JIT has not compiled yet.
		int warmupRounds = Integer.getInteger("warmupRounds", 0);
		List<Long> lastInstance = new ArrayList<>();
		List<Long> anyInstance = new ArrayList<>();
		List<Long> adminCalls = new ArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(apps.size());
		try {
			for (int round = 0; round < (warmupRounds + rounds) * 2; round++) {
				boolean suspend = round % 2 == 0;
				// Suspended: 403. Active: 200, or 429 once the per-user limit (100 a
				// minute in the shipped plans) is spent by these polls; either says the
				// instance has the tenant active.
				boolean wantSuspended = suspend;
				long start = System.nanoTime();
				admin("POST", "/admin/tenants/" + this.tenant + (suspend ? "/suspend" : "/resume"));
				long adminCall = System.nanoTime() - start;
				List<java.util.concurrent.Future<Long>> flips = new ArrayList<>();
				for (String app : apps) {
					flips.add(pool.submit(() -> awaitStatus(app, token, wantSuspended, start)));
				}
				long max = 0;
				long min = Long.MAX_VALUE;
				for (java.util.concurrent.Future<Long> flip : flips) {
					long nanos = flip.get();
					max = Math.max(max, nanos);
					min = Math.min(min, nanos);
				}
				if (round >= warmupRounds * 2) {
					lastInstance.add(max);
					anyInstance.add(min);
					adminCalls.add(adminCall);
				}
				Thread.sleep(200);
			}
		}
		finally {
			pool.shutdownNow();
			try {
				// never leave the tenant suspended (409 when it is already active)
				admin("POST", "/admin/tenants/" + this.tenant + "/resume");
			}
			catch (IllegalStateException ex) {
				// already active
			}
		}
		System.out.printf(Locale.ROOT, "%d changes, %d instances%n", lastInstance.size(), apps.size());
		System.out.println("visible in every instance: " + summary(lastInstance));
		System.out.println("visible in the first instance: " + summary(anyInstance));
		System.out.println("admin API call answered (part of the above): " + summary(adminCalls));
	}

	/**
	 * Time between two requests of one instance's poll: the measurement's resolution, and
	 * its own load on the machine (3 instances polled every 2 ms are about 1,500 requests
	 * a second on the same 2 cores).
	 */
	private static final long POLL_MILLIS = Long.getLong("pollMillis", 2);

	private long awaitStatus(String app, String token, boolean wantSuspended, long start) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(app + "/api/tenant"))
			.header("Authorization", "Bearer " + token)
			.timeout(Duration.ofSeconds(5))
			.build();
		while (true) {
			int status = HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
			long elapsed = System.nanoTime() - start;
			if (wantSuspended ? status == 403 : (status == 200 || status == 429)) {
				return elapsed;
			}
			if (elapsed > TimeUnit.SECONDS.toNanos(30)) {
				throw new IllegalStateException(app + " did not show the tenant "
						+ (wantSuspended ? "suspended" : "active") + " within 30 s (last answer " + status + ")");
			}
			Thread.sleep(POLL_MILLIS);
		}
	}

	// --- simulated watchers

	private void watchers() throws Exception {
		int watchers = Integer.getInteger("watchers", 1000);
		int connections = Integer.getInteger("connections", 10);
		String destination = System.getProperty("destination", "springCloudBus");
		Duration safetyPoll = Duration.parse(System.getProperty("safetyPoll", "PT30S"));
		double rate = Double.parseDouble(System.getProperty("rate", "2"));
		int seconds = Integer.getInteger("seconds", 60);
		long serverPid = Long.getLong("serverPid", -1);

		double idleCpu = cpuSecondsOver(serverPid, seconds);
		System.out.printf(Locale.ROOT, "config server idle: %.3f CPU-seconds over %d s (%.1f %% of a core)%n", idleCpu,
				seconds, 100 * idleCpu / seconds);

		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost(System.getProperty("rabbitHost", "127.0.0.1"));
		factory.setPort(Integer.getInteger("rabbitPort", 5672));
		List<Connection> open = new ArrayList<>();
		ConcurrentHashMap<Long, AtomicLong> arrivals = new ConcurrentHashMap<>();
		ConcurrentHashMap<Long, Long> lastArrival = new ConcurrentHashMap<>();
		AtomicLong catchUps = new AtomicLong();
		AtomicLong safetyPolls = new AtomicLong();
		long latest = latestCursor();
		List<Watcher> all = new ArrayList<>();
		ExecutorService feed = Executors.newFixedThreadPool(8);
		for (int c = 0; c < connections; c++) {
			open.add(factory.newConnection());
		}
		for (int w = 0; w < watchers; w++) {
			Channel channel = open.get(w % connections).createChannel();
			String queue = channel.queueDeclare("", false, true, true, null).getQueue();
			channel.queueBind(queue, destination, "#");
			Watcher watcher = new Watcher(latest, arrivals, lastArrival, catchUps, feed);
			all.add(watcher);
			channel.basicConsume(queue, true, new DefaultConsumer(channel) {
				@Override
				public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties,
						byte[] body) {
					watcher.received(new String(body, StandardCharsets.UTF_8));
				}
			});
		}
		System.out.printf(Locale.ROOT, "%d watchers subscribed on %d connections%n", watchers, connections);
		var safety = Executors.newScheduledThreadPool(2);
		long periodMillis = safetyPoll.toMillis();
		for (int w = 0; w < all.size(); w++) {
			Watcher watcher = all.get(w);
			// spread over the period, as independently started instances would be
			safety.scheduleAtFixedRate(() -> feed.execute(() -> {
				watcher.catchUp();
				safetyPolls.incrementAndGet();
			}), (periodMillis * w) / all.size(), periodMillis, TimeUnit.MILLISECONDS);
		}

		long cpuBefore = cpuTicks(serverPid);
		long wallStart = System.nanoTime();
		List<Long> lastWatcher = new ArrayList<>();
		int changes = (int) (rate * seconds);
		long intervalNanos = (long) (1e9 / rate);
		List<long[]> pending = new ArrayList<>();
		for (int i = 0; i < changes; i++) {
			long due = wallStart + i * intervalNanos;
			long wait = due - System.nanoTime();
			if (wait > 0) {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
			long start = System.nanoTime();
			long cursor = adminChange(i % 2 == 0 ? "suspend" : "resume");
			pending.add(new long[] { cursor, start });
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		for (long[] change : pending) {
			AtomicLong count = arrivals.computeIfAbsent(change[0], (key) -> new AtomicLong());
			while (count.get() < watchers && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			if (count.get() >= watchers) {
				lastWatcher.add(lastArrival.get(change[0]) - change[1]);
			}
			else {
				System.out.println("change " + change[0] + " missing at " + (watchers - count.get()) + " watchers");
			}
		}
		double busyWall = (System.nanoTime() - wallStart) / 1e9;
		double busyCpu = (cpuTicks(serverPid) - cpuBefore) / (double) clockTicks();
		try {
			// never leave the tenant suspended (409 when the last change resumed it)
			admin("POST", "/admin/tenants/" + this.tenant + "/resume");
		}
		catch (IllegalStateException ex) {
			// already active
		}
		safety.shutdownNow();
		feed.shutdownNow();
		for (Connection connection : open) {
			connection.close();
		}
		System.out.printf(Locale.ROOT,
				"%d changes at %.1f/s to %d watchers (safety poll %s): %d catch-ups, %d safety polls%n", changes, rate,
				watchers, safetyPoll, catchUps.get(), safetyPolls.get());
		System.out.println("received by every watcher: " + summary(lastWatcher));
		System.out.printf(Locale.ROOT,
				"config server with the watchers: %.3f CPU-seconds over %.1f s (%.1f %% of a core; idle %.1f %%)%n",
				busyCpu, busyWall, 100 * busyCpu / busyWall, 100 * idleCpu / seconds);
	}

	/** What an instance does with the bus: apply, and catch up on the feed on a gap. */
	private final class Watcher {

		private final ConcurrentHashMap<Long, AtomicLong> arrivals;

		private final ConcurrentHashMap<Long, Long> lastArrival;

		private final AtomicLong catchUps;

		private final ExecutorService feed;

		private long lastPushed;

		private volatile long cursor;

		Watcher(long cursor, ConcurrentHashMap<Long, AtomicLong> arrivals, ConcurrentHashMap<Long, Long> lastArrival,
				AtomicLong catchUps, ExecutorService feed) {
			this.cursor = cursor;
			this.lastPushed = cursor;
			this.arrivals = arrivals;
			this.lastArrival = lastArrival;
			this.catchUps = catchUps;
			this.feed = feed;
		}

		void received(String body) {
			long now = System.nanoTime();
			if (!TYPE.matcher(body).find()) {
				return;
			}
			Matcher matcher = CURSOR.matcher(body);
			if (!matcher.find()) {
				return;
			}
			long pushed = Long.parseLong(matcher.group(1));
			boolean gap;
			synchronized (this) {
				gap = pushed > this.lastPushed + 1;
				this.lastPushed = Math.max(this.lastPushed, pushed);
			}
			if (gap) {
				this.feed.execute(this::catchUp);
				this.catchUps.incrementAndGet();
			}
			this.lastArrival.merge(pushed, now, Math::max);
			this.arrivals.computeIfAbsent(pushed, (key) -> new AtomicLong()).incrementAndGet();
		}

		void catchUp() {
			try {
				HttpResponse<String> page = HTTP.send(HttpRequest
					.newBuilder(URI.create(
							ConfigChangeFanout.this.server + "/tenants/changes?after=" + this.cursor + "&limit=500"))
					.header("Authorization", basic())
					.timeout(Duration.ofSeconds(5))
					.build(), HttpResponse.BodyHandlers.ofString());
				if (page.statusCode() == 200) {
					Matcher matcher = Pattern.compile("\"cursor\"\\s*:\\s*(\\d+)\\s*}\\s*$").matcher(page.body());
					if (matcher.find()) {
						long next = Long.parseLong(matcher.group(1));
						this.cursor = Math.max(this.cursor, next);
						synchronized (this) {
							this.lastPushed = this.cursor;
						}
					}
				}
			}
			catch (IOException ex) {
				// counted as nothing: the next safety poll tries again
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	// --- config server

	private long adminChange(String action) throws Exception {
		admin("POST", "/admin/tenants/" + this.tenant + "/" + action);
		return latestCursor();
	}

	private long latestCursor() throws Exception {
		HttpResponse<String> latest = HTTP
			.send(HttpRequest.newBuilder(URI.create(this.server + "/tenants/changes/latest"))
				.header("Authorization", basic())
				.timeout(Duration.ofSeconds(5))
				.build(), HttpResponse.BodyHandlers.ofString());
		Matcher matcher = CURSOR.matcher(latest.body());
		if (latest.statusCode() != 200 || !matcher.find()) {
			throw new IllegalStateException("latest cursor: HTTP " + latest.statusCode());
		}
		return Long.parseLong(matcher.group(1));
	}

	private void admin(String method, String path) throws Exception {
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(this.server + path))
			.header("X-Admin-Token", this.adminToken)
			.method(method, HttpRequest.BodyPublishers.noBody())
			.timeout(Duration.ofSeconds(10))
			.build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() >= 300) {
			throw new IllegalStateException(method + " " + path + ": HTTP " + response.statusCode());
		}
	}

	private String basic() {
		return "Basic " + Base64.getEncoder().encodeToString(this.client.getBytes(StandardCharsets.UTF_8));
	}

	// --- measuring

	private static double cpuSecondsOver(long pid, int seconds) throws Exception {
		if (pid < 0) {
			return Double.NaN;
		}
		long before = cpuTicks(pid);
		Thread.sleep(seconds * 1000L);
		return (cpuTicks(pid) - before) / (double) clockTicks();
	}

	/** utime + stime of a process, in clock ticks. */
	private static long cpuTicks(long pid) throws IOException {
		if (pid < 0) {
			return 0;
		}
		String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	private static long clockTicks() {
		return 100;
	}

	private static String summary(List<Long> nanos) {
		if (nanos.isEmpty()) {
			return "no samples";
		}
		List<Long> sorted = new ArrayList<>(nanos);
		sorted.sort(null);
		return String.format(Locale.ROOT, "n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms", sorted.size(),
				percentile(sorted, 0.50), percentile(sorted, 0.90), percentile(sorted, 0.99),
				sorted.get(sorted.size() - 1) / 1e6);
	}

	private static double percentile(List<Long> sorted, double p) {
		int index = (int) Math.ceil(p * sorted.size()) - 1;
		return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1))) / 1e6;
	}

}
