package dev.tenancy.sample;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.tenancy.autoconfigure.TenancyDatabaseAutoConfiguration;
import dev.tenancy.autoconfigure.TenancyHealthContributorAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failing fast while the database is away, as the starter configures it for an
 * application with a Hikari pool: the pool's connection timeout and the {@code db} health
 * component.
 */
class DatabaseFailFastConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(DataSourceAutoConfiguration.class, TenancyDatabaseAutoConfiguration.class,
				TenancyHealthContributorAutoConfiguration.class, DataSourceHealthContributorAutoConfiguration.class));

	@Test
	void poolWaitsOneSecondForAConnectionByDefault() {
		this.runner.withPropertyValues("spring.datasource.url=" + TestDatabase.settings().url()).run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			assertThat(pool.getConnectionTimeout()).isEqualTo(1000);
			assertThat(pool.getValidationTimeout()).isEqualTo(500);
		});
	}

	@Test
	void connectionTimeoutIsConfigurable() {
		this.runner
			.withPropertyValues("spring.datasource.url=" + TestDatabase.settings().url(),
					"tenancy.jdbc.connection-timeout=2500ms")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				assertThat(pool.getConnectionTimeout()).isEqualTo(2500);
				assertThat(pool.getValidationTimeout()).isEqualTo(1250);
			});
	}

	@Test
	void theApplicationsOwnPoolSettingWins() {
		this.runner
			.withPropertyValues("spring.datasource.url=" + TestDatabase.settings().url(),
					"spring.datasource.hikari.connection-timeout=7000")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				assertThat(pool.getConnectionTimeout()).isEqualTo(7000);
				assertThat(pool.getValidationTimeout()).isEqualTo(5000);
			});
	}

	@Test
	void dbHealthIsOursAndUpWithTheDatabase() {
		TestDatabase.Settings db = TestDatabase.settings();
		this.runner
			.withPropertyValues("spring.datasource.url=" + db.url(), "spring.datasource.username=" + db.owner(),
					"spring.datasource.password=" + db.ownerPassword())
			.run((context) -> {
				// the starter's, in place of Spring Boot's DataSourceHealthIndicator
				assertThat(context.getBeansOfType(HealthIndicator.class)).containsOnlyKeys("dbHealthIndicator");
				assertThat(context.getBean("dbHealthIndicator").getClass().getName())
					.isEqualTo("dev.tenancy.autoconfigure.DatabaseHealthIndicator");
				Health health = context.getBean("dbHealthIndicator", HealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
			});
	}

	@Test
	void dbHealthIsDownWithinTheHealthTimeoutWhenNothingAnswers() throws Exception {
		// A port that accepts connections but never speaks: the pool waits its whole
		// timeout.
		try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			this.runner
				.withPropertyValues(
						"spring.datasource.url=jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/postgres",
						"spring.datasource.hikari.initialization-fail-timeout=-1", "tenancy.jdbc.connection-timeout=3s")
				.run((context) -> {
					HealthIndicator db = context.getBean("dbHealthIndicator", HealthIndicator.class);
					for (int i = 0; i < 3; i++) {
						long started = System.nanoTime();
						Health health = db.health();
						long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
						assertThat(health.getStatus()).isEqualTo(Status.DOWN);
						assertThat(health.getDetails().get("database"))
							.isIn(List.of("unreachable", "no answer within the health timeout"));
						assertThat(millis).as("health within 1 s (timeout 500 ms)").isLessThan(1000);
					}
				});
		}
	}

	@Test
	void dbHealthIsDownQuicklyWhenTheServerRefusesConnections() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres",
					"spring.datasource.hikari.initialization-fail-timeout=-1")
			.run((context) -> {
				long started = System.nanoTime();
				Health health = context.getBean("dbHealthIndicator", HealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(1000);
			});
	}

}
