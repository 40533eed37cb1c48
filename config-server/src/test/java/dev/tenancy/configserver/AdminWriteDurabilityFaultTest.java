package dev.tenancy.configserver;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.tenancy.configserver.support.TestEnvironmentPostProcessor;
import dev.tenancy.test.OwnPostgresCluster;
import dev.tenancy.test.OwnPostgresCluster.StopMode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The config server is where operators manage tenants, and it runs without tenant
 * isolation ({@code tenancy.enabled=false}). Its admin API must still never acknowledge a
 * tenant that was not stored: tenants are created by several writers while the registry's
 * PostgreSQL (a cluster of this test's own, ports 55441-55449) is stopped fast and
 * started again. Every 201 is in the registry afterwards, every tenant that is not got a
 * 503 {@code database_unavailable}, and the server recovers by itself.
 */
class AdminWriteDurabilityFaultTest {

	private static final Logger logger = LoggerFactory.getLogger(AdminWriteDurabilityFaultTest.class);

	private static final String ADMIN_TOKEN = "admin-" + UUID.randomUUID();

	private static final int WRITERS = 4;

	private static final int WRITES_PER_WRITER = 50;

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static OwnPostgresCluster cluster;

	private static ConfigurableApplicationContext server;

	private static int port;

	@BeforeAll
	static void startClusterAndServer() {
		cluster = OwnPostgresCluster.start(Paths.get("target"), 55441, 55449);
		try {
			server = new SpringApplicationBuilder(ConfigServerApplication.class).run("--server.port=0",
					"--" + TestEnvironmentPostProcessor.OWN_DATABASE + "=true",
					"--spring.datasource.url=" + cluster.jdbcUrl("postgres"),
					"--spring.datasource.username=" + cluster.superuser(), "--spring.datasource.password=",
					"--tenancy.config-server.clients.billing.password={noop}billing-secret",
					"--tenancy.admin.token=" + ADMIN_TOKEN);
			port = server.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	private static int probe(String path) throws Exception {
		int managementPort = server.getEnvironment().getRequiredProperty("local.management.port", Integer.class);
		return HTTP
			.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + managementPort + path))
				.timeout(Duration.ofSeconds(5))
				.build(), java.net.http.HttpResponse.BodyHandlers.discarding())
			.statusCode();
	}

	@AfterAll
	static void stopServerAndCluster() {
		try {
			if (server != null) {
				server.close();
			}
		}
		finally {
			cluster.close();
		}
	}

	@Test
	void noTenantIsAcknowledgedThatWasNotStored() throws Exception {
		String run = "wd-" + UUID.randomUUID().toString().substring(0, 8);
		assertThat(create(run + "-warm").status).isEqualTo(201);

		Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
		AtomicInteger done = new AtomicInteger();
		List<Thread> writers = new ArrayList<>();
		for (int w = 0; w < WRITERS; w++) {
			int writer = w;
			Thread thread = new Thread(() -> {
				for (int i = 0; i < WRITES_PER_WRITER; i++) {
					outcomes.add(create(run + "-" + writer + "-" + i));
					done.incrementAndGet();
				}
			}, "admin-writer-" + w);
			thread.start();
			writers.add(thread);
		}
		try {
			while (done.get() < WRITERS * WRITES_PER_WRITER / 4) {
				Thread.sleep(10);
			}
			cluster.stop(StopMode.FAST);
			long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
			// while the registry's database is away the server is not ready, but alive
			assertThat(probe("/actuator/health/readiness")).isEqualTo(503);
			assertThat(probe("/actuator/health/liveness")).isEqualTo(200);
			Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
		}
		finally {
			if (!cluster.isRunning()) {
				cluster.start();
			}
		}
		for (Thread writer : writers) {
			writer.join(TimeUnit.MINUTES.toMillis(3));
			assertThat(writer.isAlive()).as("writer finished").isFalse();
		}

		Set<String> stored = storedTenants(run + "-%");
		Map<String, Integer> counts = new TreeMap<>();
		List<String> acknowledgedButMissing = new ArrayList<>();
		List<String> missingWithoutError = new ArrayList<>();
		long slowest503 = 0;
		for (Outcome outcome : outcomes) {
			boolean isStored = stored.contains(outcome.id);
			String kind = (outcome.status == 201) ? "201"
					: (outcome.status == 503) ? "503 " + outcome.code : "other " + outcome.status + " " + outcome.code;
			counts.merge(kind, 1, Integer::sum);
			if (outcome.status == 201 && !isStored) {
				acknowledgedButMissing.add(outcome.id);
			}
			if (outcome.status < 500 && !isStored) {
				missingWithoutError.add(outcome.id);
			}
			if (outcome.status == 503) {
				slowest503 = Math.max(slowest503, outcome.millis);
				assertThat(outcome.retryAfter).as("503 Retry-After").isNotNull();
			}
		}
		logger.info("Config server admin writes across a fast stop and restart of PostgreSQL: {} creates by {} "
				+ "writers; answers {}; stored {}; acknowledged but not stored {}; not stored without a 5xx {}; "
				+ "slowest 503 {} ms", outcomes.size(), WRITERS, counts, stored.size(), acknowledgedButMissing.size(),
				missingWithoutError.size(), slowest503);

		assertThat(outcomes).hasSize(WRITERS * WRITES_PER_WRITER);
		assertThat(acknowledgedButMissing).as("acknowledged (201) but not stored").isEmpty();
		assertThat(missingWithoutError).as("not stored, answered without a 5xx").isEmpty();
		assertThat(counts.keySet()).as("only 201 and 503 database_unavailable")
			.containsOnly("201", "503 database_unavailable");
		assertThat(counts).as("some creates met the outage").containsKey("503 database_unavailable");
		assertThat(slowest503).as("a 503 comes fast (2 s bound, room for a loaded machine)").isLessThan(3000);
		assertThat(create(run + "-after").status).as("writes work again without a restart").isEqualTo(201);
	}

	private static Outcome create(String id) {
		String body = "{\"id\":\"" + id + "\",\"displayName\":\"Fault " + id + "\",\"config\":{\"plan\":\"standard\"}}";
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/tenants"))
			.timeout(Duration.ofSeconds(60))
			.header("X-Admin-Token", ADMIN_TOKEN)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		long sent = System.nanoTime();
		try {
			HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
			String code = null;
			int at = response.body().indexOf("\"code\":\"");
			if (at >= 0) {
				code = response.body().substring(at + 8, response.body().indexOf('"', at + 8));
			}
			return new Outcome(id, response.statusCode(), code,
					response.headers().firstValue("Retry-After").orElse(null), millis);
		}
		catch (java.io.IOException ex) {
			return new Outcome(id, -1, ex.getClass().getSimpleName(), null, 0);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static Set<String> storedTenants(String pattern) throws SQLException {
		Set<String> ids = new HashSet<>();
		try (Connection connection = cluster.connect("postgres");
				Statement statement = connection.createStatement();
				ResultSet rows = statement
					.executeQuery("select id from tenancy.tenant where id like '" + pattern + "'")) {
			while (rows.next()) {
				ids.add(rows.getString(1));
			}
		}
		return ids;
	}

	private record Outcome(String id, int status, String code, String retryAfter, long millis) {
	}

}
