package dev.tenancy.configserver.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.TenantId;

import org.springframework.beans.factory.DisposableBean;

/**
 * Tenants' usage from the apps' own metrics: every {@code interval} the console reads the
 * Prometheus endpoint of each configured app instance
 * ({@code tenancy.config-server.console.usage.sources}, their management port, where
 * {@code tenancy_requests_total{tenant_id, outcome}} already is) and keeps, per tenant,
 * how much each counter grew per minute over the last hour, in memory. Requests are every
 * outcome; rejections are {@code rate_limited}. A source that does not answer adds
 * nothing for that round (and is logged once per failure streak); a counter that went
 * down (an instance restarted) counts from zero.
 */
final class PrometheusTenantUsage implements TenantUsage, DisposableBean {

	private static final Logger LOG = LoggerFactory.getLogger(PrometheusTenantUsage.class);

	private static final Pattern SAMPLE = Pattern.compile("^tenancy_requests_total\\{([^}]*)}\\s+(\\S+).*$");

	private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

	private static final int MINUTES = 60;

	private static final int MAX_BODY = 8 * 1024 * 1024;

	private final List<URI> sources;

	private final Duration timeout;

	private final Clock clock;

	private final HttpClient http;

	/** Per source, per tenant: the last counter values read (requests, rejections). */
	private final Map<URI, Map<String, long[]>> last = new HashMap<>();

	/** Per tenant, per minute (epoch minute): growth (requests, rejections). */
	private final Map<String, TreeMap<Long, long[]>> minutes = new ConcurrentHashMap<>();

	private final Map<URI, Boolean> failing = new HashMap<>();

	private final ScheduledExecutorService scheduler;

	PrometheusTenantUsage(ConsoleProperties.Usage settings, Clock clock, boolean schedule) {
		this.sources = List.copyOf(settings.sources());
		this.timeout = settings.timeout();
		this.clock = clock;
		this.http = HttpClient.newBuilder().connectTimeout(this.timeout).build();
		if (schedule && !this.sources.isEmpty()) {
			this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "console-usage");
				thread.setDaemon(true);
				return thread;
			});
			long every = settings.interval().toMillis();
			this.scheduler.scheduleWithFixedDelay(this::sample, 0, every, TimeUnit.MILLISECONDS);
		}
		else {
			this.scheduler = null;
		}
	}

	@Override
	public UsageChart lastHour(TenantId tenant) {
		if (this.sources.isEmpty()) {
			return UsageChart.unavailable("No usage source is configured (see docs/console.md#usage).");
		}
		long now = this.clock.millis() / 60_000;
		TreeMap<Long, long[]> perMinute = this.minutes.get(tenant.value());
		List<Long> requests = new ArrayList<>(MINUTES);
		List<Long> rejected = new ArrayList<>(MINUTES);
		for (long minute = now - MINUTES + 1; minute <= now; minute++) {
			long[] values = null;
			if (perMinute != null) {
				synchronized (perMinute) {
					values = perMinute.get(minute);
				}
			}
			requests.add((values != null) ? values[0] : 0);
			rejected.add((values != null) ? values[1] : 0);
		}
		return new UsageChart(true, "Per minute, from " + this.sources.size() + " app instance(s)' metrics.", requests,
				rejected);
	}

	/** One round: every source once. */
	synchronized void sample() {
		for (URI source : this.sources) {
			try {
				HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(source)
					.timeout(this.timeout)
					.header("Accept", "text/plain")
					.GET()
					.build(), HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() != 200 || response.body().length() > MAX_BODY) {
					throw new IllegalStateException("HTTP " + response.statusCode());
				}
				record(source, parse(response.body()));
				if (this.failing.remove(source) != null) {
					LOG.info("Usage source {} answers again", source);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (Exception ex) {
				if (this.failing.put(source, Boolean.TRUE) == null) {
					LOG.warn("Usage source {} did not answer: {}", source, ex.toString());
				}
			}
		}
	}

	/** The counters of one answer, per tenant: requests (all outcomes) and rejections. */
	static Map<String, long[]> parse(String body) {
		Map<String, long[]> counts = new HashMap<>();
		for (String line : body.split("\n")) {
			Matcher sample = SAMPLE.matcher(line);
			if (!sample.matches()) {
				continue;
			}
			String tenant = null;
			String outcome = null;
			Matcher label = LABEL.matcher(sample.group(1));
			while (label.find()) {
				if (label.group(1).equals("tenant_id")) {
					tenant = label.group(2);
				}
				else if (label.group(1).equals("outcome")) {
					outcome = label.group(2);
				}
			}
			if (tenant == null || !TenantId.isValid(tenant)) {
				continue;
			}
			double value;
			try {
				value = Double.parseDouble(sample.group(2));
			}
			catch (NumberFormatException ex) {
				continue;
			}
			if (!(value >= 0) || Double.isInfinite(value)) {
				continue;
			}
			long[] tenantCounts = counts.computeIfAbsent(tenant, (key) -> new long[2]);
			tenantCounts[0] += (long) value;
			if ("rate_limited".equals(outcome)) {
				tenantCounts[1] += (long) value;
			}
		}
		return counts;
	}

	/** Adds the growth since the source's previous answer to this minute. */
	synchronized void record(URI source, Map<String, long[]> counts) {
		long minute = this.clock.millis() / 60_000;
		Map<String, long[]> previous = this.last.put(source, counts);
		if (previous == null) {
			// the first answer is the baseline: what happened before is not known per
			// minute
			return;
		}
		counts.forEach((tenant, now) -> {
			long[] before = previous.getOrDefault(tenant, new long[2]);
			long requests = (now[0] >= before[0]) ? now[0] - before[0] : now[0];
			long rejected = (now[1] >= before[1]) ? now[1] - before[1] : now[1];
			if (requests == 0 && rejected == 0) {
				return;
			}
			TreeMap<Long, long[]> perMinute = this.minutes.computeIfAbsent(tenant, (key) -> new TreeMap<>());
			synchronized (perMinute) {
				long[] bucket = perMinute.computeIfAbsent(minute, (key) -> new long[2]);
				bucket[0] += requests;
				bucket[1] += rejected;
				perMinute.headMap(minute - MINUTES, true).clear();
			}
		});
	}

	@Override
	public void destroy() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
		}
	}

}
