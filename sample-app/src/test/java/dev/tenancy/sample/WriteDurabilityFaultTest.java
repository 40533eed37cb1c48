package dev.tenancy.sample;

import java.net.http.HttpResponse;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.tenancy.test.OwnPostgresCluster;
import dev.tenancy.test.OwnPostgresCluster.StopMode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database cut while trips are being written: the sample app runs against a
 * PostgreSQL cluster of this test's own ({@link OwnPostgresCluster}, ports 55431-55439),
 * which is stopped and started again in the middle of a bounded stream of concurrent
 * writes: {@code pg_ctl stop -m fast} (every connection dropped, every open transaction
 * rolled back, a clean shutdown) and {@code -m immediate} (the server killed like a
 * crash, recovered from its write-ahead log at the restart).
 * <p>
 * Afterwards every write is checked against the table: a write that got 2xx is stored
 * (the same id), a write that is not stored got a 5xx (503 {@code database_unavailable}
 * with {@code Retry-After}), and nothing got a 2xx without being stored. A write that got
 * a 5xx may still be stored: when the connection breaks after the commit was sent, the
 * outcome cannot be known (the client retries with the same {@code reference} and gets
 * 409 if it was).
 */
class WriteDurabilityFaultTest {

	private static final Logger logger = LoggerFactory.getLogger(WriteDurabilityFaultTest.class);

	private static final String TENANT = "acme";

	private static final String APP_ROLE = "travel_app";

	private static final String APP_PASSWORD = "test-" + UUID.randomUUID();

	private static final int WRITERS = 6;

	private static final int WRITES_PER_WRITER = 60;

	private static OwnPostgresCluster cluster;

	private static ConfigurableApplicationContext app;

	private static Api api;

	private static Api management;

	private static String bearer;

	@BeforeAll
	static void startClusterAndApp() {
		cluster = OwnPostgresCluster.start(Paths.get("target"), 55431, 55439);
		try {
			app = new SpringApplicationBuilder(SampleApplication.class).profiles("local")
				.run("--server.port=0", "--management.server.port=0",
						"--spring.datasource.url=" + cluster.jdbcUrl("postgres"),
						"--spring.datasource.username=" + APP_ROLE, "--spring.datasource.password=" + APP_PASSWORD,
						"--spring.flyway.user=" + cluster.superuser(), "--spring.flyway.password=",
						"--spring.flyway.placeholders.app-password=" + APP_PASSWORD,
						// this test is about the database: no Redis, no rate limit
						"--tenancy.rate-limit.enabled=false");
			api = new Api(app.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
			management = Api.management(app);
			bearer = Api.bearer(LocalTokens.forTenant(app, TENANT));
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	@AfterAll
	static void stopAppAndCluster() {
		try {
			if (app != null) {
				app.close();
			}
		}
		finally {
			cluster.close();
		}
	}

	@ParameterizedTest
	@EnumSource(StopMode.class)
	void noWriteIsAcknowledgedThatWasNotStored(StopMode stop) throws Exception {
		String run = "WD-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase(java.util.Locale.ROOT);
		assertThat(write(run + "-WARM").status).isEqualTo(201);

		Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
		AtomicInteger done = new AtomicInteger();
		List<Thread> writers = new ArrayList<>();
		for (int w = 0; w < WRITERS; w++) {
			int writer = w;
			writers.add(Thread.ofPlatform().name("writer-" + w).start(() -> {
				for (int i = 0; i < WRITES_PER_WRITER; i++) {
					outcomes.add(write(run + "-" + writer + "-" + i));
					done.incrementAndGet();
				}
			}));
		}
		long cutAt;
		long restartedAt;
		try {
			awaitAtLeast(done, WRITERS * WRITES_PER_WRITER / 4);
			cutAt = System.nanoTime();
			cluster.stop(stop);
			int doneAtCut = done.get();
			// the outage: long enough for every writer to meet it several times
			Thread.sleep(4000);
			logger.info("Database down for 4 s: {} writes answered meanwhile", done.get() - doneAtCut);
		}
		finally {
			if (!cluster.isRunning()) {
				cluster.start();
			}
			restartedAt = System.nanoTime();
		}
		for (Thread writer : writers) {
			writer.join(TimeUnit.MINUTES.toMillis(3));
			assertThat(writer.isAlive()).as("writer finished").isFalse();
		}

		Map<String, UUID> stored = storedTrips(run + "-%");
		stored.remove(run + "-WARM");
		Map<String, Integer> counts = new TreeMap<>();
		List<Outcome> acknowledgedButMissing = new ArrayList<>();
		List<Outcome> missingWithoutError = new ArrayList<>();
		int storedDespite5xx = 0;
		long slowest503 = 0;
		for (Outcome outcome : outcomes) {
			boolean isStored = stored.containsKey(outcome.reference);
			if (outcome.status >= 200 && outcome.status < 300) {
				counts.merge("2xx", 1, Integer::sum);
				if (!isStored || !stored.get(outcome.reference).toString().equals(outcome.id)) {
					acknowledgedButMissing.add(outcome);
				}
			}
			else if (outcome.status == 503) {
				counts.merge("503", 1, Integer::sum);
				slowest503 = Math.max(slowest503, outcome.millis);
				assertThat(outcome.code).as("503 code").isEqualTo("database_unavailable");
				assertThat(outcome.retryAfter).as("503 Retry-After").isNotNull();
				storedDespite5xx += isStored ? 1 : 0;
			}
			else if (outcome.status >= 500) {
				counts.merge("other 5xx (" + outcome.status + " " + outcome.code + ")", 1, Integer::sum);
				storedDespite5xx += isStored ? 1 : 0;
			}
			else {
				counts.merge("other (" + outcome.status + ")", 1, Integer::sum);
				if (!isStored) {
					missingWithoutError.add(outcome);
				}
			}
		}
		logger.info(
				"Write durability across a {} stop and restart of PostgreSQL: {} writes by {} writers; "
						+ "answers {}; stored {}; stored despite a 5xx {}; acknowledged but not stored {}; not stored "
						+ "without a 5xx {}; slowest 503 {} ms; outage (stop to restarted) {} ms",
				stop, outcomes.size(), WRITERS, counts, stored.size(), storedDespite5xx, acknowledgedButMissing.size(),
				missingWithoutError.size(), slowest503, TimeUnit.NANOSECONDS.toMillis(restartedAt - cutAt));

		assertThat(outcomes).hasSize(WRITERS * WRITES_PER_WRITER);
		assertThat(acknowledgedButMissing).as("acknowledged (2xx) but not stored").isEmpty();
		assertThat(missingWithoutError).as("not stored, answered without a 5xx").isEmpty();
		assertThat(counts).as("some writes met the outage").containsKey("503");
		assertThat(counts.keySet()).as("only 2xx and 503").containsOnly("2xx", "503");
		assertThat(slowest503).as("a 503 comes fast (2 s bound, with room for a loaded machine)").isLessThan(3000);
		assertThat(write(run + "-AFTER").status).as("writes work again without restarting the app").isEqualTo(201);
	}

	@Test
	void duringTheOutageFailFastServeCachedTenantsReportHealthAndRecoverByThemselves() throws Exception {
		assertThat(api.get("/api/tenant", "Authorization", bearer).statusCode()).isEqualTo(200);
		assertThat(health().statusCode()).isEqualTo(200);
		assertThat(management.get("/actuator/health/readiness").body()).contains("tenancyRegistry");
		String neverSeen = Api.bearer(LocalTokens.forTenant(app, "globex"));
		long restoredAt;
		try {
			cluster.stop(StopMode.FAST);

			// A request that needs the database: 503 database_unavailable with
			// Retry-After, fast.
			long sent = System.nanoTime();
			Outcome write = write("WD-OUTAGE-" + UUID.randomUUID().toString().substring(0, 8));
			long writeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
			assertThat(write.status).isEqualTo(503);
			assertThat(write.code).isEqualTo("database_unavailable");
			assertThat(write.retryAfter).isEqualTo("5");
			assertThat(writeMillis).as("503 fast (1 s pool timeout; 2 s target, room for a loaded machine)")
				.isLessThan(3000);
			HttpResponse<String> list = api.get("/api/trips", "Authorization", bearer);
			assertThat(list.statusCode()).isEqualTo(503);
			assertThat(list.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(Api.code(list)).isEqualTo("database_unavailable");
			assertThat(list.body()).doesNotContain("SQL", "Hikari", "postgres", "Exception");
			assertThat(list.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
			assertThat(list.headers().firstValue("Content-Security-Policy")).isPresent();
			assertThat(list.headers().firstValue("Cache-Control")).hasValue("no-store");

			// A cached tenant needs no database: still served, without waiting for it.
			sent = System.nanoTime();
			HttpResponse<String> tenant = api.get("/api/tenant", "Authorization", bearer);
			long tenantMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
			assertThat(tenant.statusCode()).isEqualTo(200);
			assertThat(Api.json(tenant).path("id").asString()).isEqualTo(TENANT);
			assertThat(tenantMillis).as("a cached tenant does not wait for the database").isLessThan(500);
			assertThat(api.get("/api/ping", "Authorization", bearer).statusCode()).isEqualTo(200);

			// A tenant never seen cannot be checked: 503 registry_unavailable, never a
			// guess.
			HttpResponse<String> unknown = api.get("/api/tenant", "Authorization", neverSeen);
			assertThat(unknown.statusCode()).isEqualTo(503);
			assertThat(Api.code(unknown)).isEqualTo("registry_unavailable");
			assertThat(unknown.headers().firstValue("Retry-After")).hasValue("5");
			sent = System.nanoTime();
			assertThat(api.get("/api/tenant", "Authorization", neverSeen).statusCode()).isEqualTo(503);
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent))
				.as("the registry that just failed is not waited for again")
				.isLessThan(500);

			// Health answers within a second and says what is down.
			long slowestHealth = 0;
			for (int i = 0; i < 5; i++) {
				sent = System.nanoTime();
				HttpResponse<String> health = health();
				slowestHealth = Math.max(slowestHealth, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent));
				assertThat(health.statusCode()).isEqualTo(503);
				assertThat(Api.json(health).path("status").asString()).isEqualTo("DOWN");
				assertThat(Api.json(health).path("components").path("db").path("status").asString()).isEqualTo("DOWN");
				assertThat(Api.json(health).path("components").path("tenancyRegistry").path("status").asString())
					.isEqualTo("DOWN");
				// The registry is in the readiness group (out of rotation), never in
				// liveness
				// (a restart does not bring the database back).
				assertThat(management.get("/actuator/health/readiness").statusCode()).isEqualTo(503);
				assertThat(management.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
				assertThat(Api.json(health).path("components").path("diskSpace").path("status").asString())
					.isEqualTo("UP");
			}
			assertThat(slowestHealth).as("health within 1 s while the database is down").isLessThan(1000);
			logger.info("Database down: write answered 503 in {} ms, cached tenant in {} ms, slowest of 5 health "
					+ "checks {} ms", writeMillis, tenantMillis, slowestHealth);
		}
		finally {
			if (!cluster.isRunning()) {
				cluster.start();
			}
			restoredAt = System.nanoTime();
		}

		// Back by itself: no restart of the app.
		long deadline = restoredAt + TimeUnit.SECONDS.toNanos(30);
		Outcome after;
		do {
			after = write("WD-BACK-" + UUID.randomUUID().toString().substring(0, 8));
			if (after.status != 201) {
				Thread.sleep(100);
			}
		}
		while (after.status != 201 && System.nanoTime() < deadline);
		long writesBackMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restoredAt);
		assertThat(after.status).as("writes work again after the restart").isEqualTo(201);
		assertThat(storedTrips(after.reference)).containsEntry(after.reference, UUID.fromString(after.id));
		HttpResponse<String> health;
		do {
			health = health();
		}
		while (health.statusCode() != 200 && System.nanoTime() < deadline);
		assertThat(health.statusCode()).as("health UP again: %s", health.body()).isEqualTo(200);
		// The registry that failed is asked again after its probe delay, which a fast
		// restart may
		// not have outlasted yet.
		HttpResponse<String> seenNow;
		do {
			seenNow = api.get("/api/tenant", "Authorization", neverSeen);
		}
		while (seenNow.statusCode() != 200 && System.nanoTime() < deadline);
		assertThat(seenNow.statusCode()).as("the never-seen tenant: %s", seenNow.body()).isEqualTo(200);
		logger.info("Database restarted: writes stored again after {} ms, health UP after {} ms", writesBackMillis,
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restoredAt));
	}

	private static HttpResponse<String> health() {
		return management.get("/actuator/health");
	}

	private static void awaitAtLeast(AtomicInteger done, int count) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
		while (done.get() < count) {
			assertThat(System.nanoTime()).as("writes progress").isLessThan(deadline);
			Thread.sleep(5);
		}
	}

	private static Outcome write(String reference) {
		String body = "{\"name\":\"Durable\",\"destination\":\"Oslo\",\"startDate\":\"2031-01-01\","
				+ "\"endDate\":\"2031-01-02\",\"reference\":\"" + reference + "\"}";
		long sent = System.nanoTime();
		try {
			HttpResponse<String> response = api.postJson("/api/trips", body, "Authorization", bearer);
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
			String id = null;
			String code = null;
			if (!response.body().isEmpty()) {
				id = Api.json(response).path("id").asString(null);
				code = Api.json(response).path("code").asString(null);
			}
			return new Outcome(reference, response.statusCode(), id, code,
					response.headers().firstValue("Retry-After").orElse(null), millis);
		}
		catch (RuntimeException ex) {
			logger.warn("Write {} failed without an answer: {}", reference, ex.toString());
			return new Outcome(reference, -1, null, null, null,
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent));
		}
	}

	private static Map<String, UUID> storedTrips(String referencePattern) throws SQLException {
		Map<String, UUID> stored = new HashMap<>();
		try (Connection connection = cluster.connect("postgres");
				PreparedStatement statement = connection.prepareStatement(
						"select reference, id from travel.trip where tenant_id = ? and reference like ?")) {
			statement.setString(1, TENANT);
			statement.setString(2, referencePattern);
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					stored.put(rows.getString(1), rows.getObject(2, UUID.class));
				}
			}
		}
		return stored;
	}

	/**
	 * What one write was answered.
	 *
	 * @param reference the trip reference sent
	 * @param status the HTTP status, -1 when no answer came
	 * @param id the trip id in a 2xx body
	 * @param code the problem code in an error body
	 * @param retryAfter the {@code Retry-After} header
	 * @param millis how long the answer took
	 */
	private record Outcome(String reference, int status, String id, String code, String retryAfter, long millis) {
	}

}
