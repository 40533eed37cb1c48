package dev.tenancy.sample;

import java.net.http.HttpResponse;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.tenancy.TenantId;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.TenantSecretAdministration;
import dev.tenancy.test.OwnPostgresCluster;
import dev.tenancy.test.OwnPostgresCluster.StopMode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook never acknowledges what it did not store: with the database down a signed
 * delivery is a 5xx (the provider retries), and the retry after the restart is stored
 * once. The app runs against a PostgreSQL cluster of this test's own
 * ({@link OwnPostgresCluster}, ports 19250-19259).
 */
class InboundDurabilityFaultTest {

	private static final String APP_PASSWORD = "test-" + UUID.randomUUID();

	private static final String KEY = "acme-fault-" + UUID.randomUUID();

	private static OwnPostgresCluster cluster;

	private static ConfigurableApplicationContext app;

	private static int port;

	@BeforeAll
	static void startClusterAndApp() {
		cluster = OwnPostgresCluster.start(Paths.get("target"), 19250, 19259);
		try {
			app = new SpringApplicationBuilder(SampleApplication.class).profiles("local")
				.run("--server.port=0", "--management.server.port=0",
						"--spring.datasource.url=" + cluster.jdbcUrl("postgres"),
						"--spring.datasource.username=travel_app", "--spring.datasource.password=" + APP_PASSWORD,
						"--spring.flyway.user=" + cluster.superuser(), "--spring.flyway.password=",
						"--spring.flyway.placeholders.app-password=" + APP_PASSWORD,
						"--tenancy.rate-limit.enabled=false", "--spring.cache.type=none",
						"--sample.helpdesk.queue=sample.helpdesk.fault-test-" + UUID.randomUUID(),
						"--sample.helpdesk.queue-expires=5m");
			port = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			app.getBean(TenantSecretAdministration.class)
				.put(TenantId.of("acme"), "inbound-email-signing-key", KEY, new TenantChange("fault-test", null));
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

	@Test
	void aDeliveryWhileTheDatabaseIsDownIsA5xxAndItsRetryIsStoredOnce() throws Exception {
		String warm = "<" + UUID.randomUUID() + "@fault.example>";
		assertThat(InboundMail.deliver(port, KEY, mail(warm)).statusCode()).isEqualTo(200);
		String id = "<" + UUID.randomUUID() + "@fault.example>";
		HttpResponse<String> during;
		try {
			cluster.stop(StopMode.FAST);
			during = InboundMail.deliver(port, KEY, mail(id));
		}
		finally {
			cluster.start();
		}

		assertThat(during.statusCode()).as(during.body()).isBetween(500, 599);
		assertThat(during.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(stored(id)).isZero();

		HttpResponse<String> retry;
		long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
		do {
			Thread.sleep(200);
			retry = InboundMail.deliver(port, KEY, mail(id));
		}
		while (retry.statusCode() != 200 && System.nanoTime() < deadline);
		assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
		assertThat(Api.json(retry).path("outcome").asString()).isEqualTo("created");
		// the provider's next retry: a new timestamp, so a new signature (the same one
		// again
		// would be refused as a replay)
		assertThat(Api.json(InboundMail.deliverAt(port, KEY, mail(id), java.time.Instant.now().getEpochSecond() + 1))
			.path("outcome")
			.asString()).isEqualTo("duplicate");
		assertThat(stored(id)).isEqualTo(1);
	}

	private static String mail(String messageId) {
		return InboundMail.json(List.of("support@acme-travel.example"), "support@acme-travel.example", null, "Durable",
				"Keep me", messageId, null);
	}

	private static long stored(String messageId) throws SQLException {
		try (Connection connection = cluster.connect("postgres");
				PreparedStatement statement = connection
					.prepareStatement("select count(*) from travel.helpdesk_message where message_id = ?")) {
			statement.setString(1, messageId);
			try (ResultSet rows = statement.executeQuery()) {
				rows.next();
				return rows.getLong(1);
			}
		}
	}

}
