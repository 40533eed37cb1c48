package dev.tenancy.registry.jdbc;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.test.Databases;
import dev.tenancy.test.Databases.ScratchDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The registry's migrations live in their own schema with their own history table, so
 * they run beside a host application's Flyway (default history table in {@code public})
 * in either order. Each test has a database of its own, as a host application would.
 */
class RegistryMigrationsTest {

	static final String HOST_LOCATION = "classpath:dev/tenancy/registry/jdbc/hostapp";

	@Test
	void migratingTwiceRunsNothingTheSecondTime() {
		try (ScratchDatabase database = Databases.scratch();
				HikariDataSource dataSource = Databases.hikari(database.jdbcUrl(), 2, "migrations-twice")) {
			int first = RegistryMigrations.migrate(dataSource, "tenancy");
			assertThat(first).isPositive();
			assertThat(RegistryMigrations.migrate(dataSource, "tenancy")).isZero();
			JdbcClient jdbc = JdbcClient.create(dataSource);
			assertThat(jdbc
				.sql("select count(*) from tenancy." + RegistryMigrations.HISTORY_TABLE
						+ " where success and version is not null")
				.query(Integer.class)
				.single()).isEqualTo(first);
			assertThat(tables(jdbc, "tenancy")).contains("tenant", "tenant_audit", RegistryMigrations.HISTORY_TABLE);
			assertThat(tables(jdbc, "public")).isEmpty();
		}
	}

	@Test
	void hostApplicationFlywayFirstThenRegistry() {
		try (ScratchDatabase database = Databases.scratch();
				HikariDataSource dataSource = Databases.hikari(database.jdbcUrl(), 2, "migrations-host-first")) {
			assertThat(hostFlyway(dataSource).migrate().migrationsExecuted).isEqualTo(2);
			assertThat(RegistryMigrations.migrate(dataSource, "tenancy")).isPositive();
			assertBothHistoriesIntact(dataSource);
		}
	}

	@Test
	void registryFirstThenHostApplicationFlyway() {
		try (ScratchDatabase database = Databases.scratch();
				HikariDataSource dataSource = Databases.hikari(database.jdbcUrl(), 2, "migrations-registry-first")) {
			assertThat(RegistryMigrations.migrate(dataSource, "tenancy")).isPositive();
			assertThat(hostFlyway(dataSource).migrate().migrationsExecuted).isEqualTo(2);
			assertBothHistoriesIntact(dataSource);
		}
	}

	@Test
	void instancesStartingTogetherMigrateOnce() throws Exception {
		try (ScratchDatabase database = Databases.scratch();
				HikariDataSource dataSource = Databases.hikari(database.jdbcUrl(), 4, "migrations-together")) {
			CyclicBarrier start = new CyclicBarrier(3);
			ExecutorService threads = Executors.newFixedThreadPool(3);
			int executed = 0;
			try {
				List<CompletableFuture<Integer>> runs = List.of(1, 2, 3)
					.stream()
					.map((i) -> CompletableFuture.supplyAsync(() -> {
						await(start);
						return RegistryMigrations.migrate(dataSource, "tenancy");
					}, threads))
					.toList();
				for (CompletableFuture<Integer> run : runs) {
					executed += run.get(30, TimeUnit.SECONDS);
				}
			}
			finally {
				threads.shutdownNow();
			}
			assertThat(executed).isEqualTo(migrationCount(dataSource));
			assertThat(RegistryMigrations.migrate(dataSource, "tenancy")).isZero();
		}
	}

	@Test
	void registryWorksInTheMigratedSchemaOnly() {
		try (ScratchDatabase database = Databases.scratch();
				HikariDataSource dataSource = Databases.hikari(database.jdbcUrl(), 2, "migrations-schema")) {
			hostFlyway(dataSource).migrate();
			RegistryMigrations.migrate(dataSource, "tenant_registry");
			JdbcTenantRegistry registry = new JdbcTenantRegistry(dataSource, "tenant_registry", null);
			registry.create(TenantId.of("acme"), "Acme", TenantConfig.empty(), new TenantChange("test", null));
			assertThat(registry.find(TenantId.of("acme"))).isPresent();
			JdbcClient jdbc = JdbcClient.create(dataSource);
			assertThat(jdbc.sql("select count(*) from public.tenant").query(Integer.class).single())
				.as("the host's own tenant table is untouched")
				.isZero();
			assertThatIllegalArgumentException()
				.isThrownBy(() -> new JdbcTenantRegistry(dataSource, "tenancy; drop table x", null));
			assertThatIllegalArgumentException().isThrownBy(() -> new JdbcTenantRegistry(dataSource, "Tenancy", null));
		}
	}

	private static void assertBothHistoriesIntact(HikariDataSource dataSource) {
		JdbcClient jdbc = JdbcClient.create(dataSource);
		assertThat(jdbc
			.sql("select version from public.flyway_schema_history where version is not null order by installed_rank")
			.query(String.class)
			.list()).containsExactly("1", "2");
		assertThat(jdbc
			.sql("select script from tenancy." + RegistryMigrations.HISTORY_TABLE
					+ " where version is not null order by installed_rank")
			.query(String.class)
			.list()).isNotEmpty().allSatisfy((script) -> assertThat(script).doesNotContain("host_app"));
		assertThat(tables(jdbc, "public")).containsExactlyInAnyOrder("flyway_schema_history", "trip", "tenant");
		assertThat(tables(jdbc, "tenancy")).containsExactlyInAnyOrder("tenant", "tenant_audit", "tenant_email_domain",
				"tenant_secret", RegistryMigrations.HISTORY_TABLE);
		// Each Flyway still validates and has nothing left to do.
		Flyway host = hostFlyway(dataSource);
		host.validate();
		assertThat(host.migrate().migrationsExecuted).isZero();
		assertThat(RegistryMigrations.migrate(dataSource, "tenancy")).isZero();
	}

	private static Flyway hostFlyway(HikariDataSource dataSource) {
		return Flyway.configure().dataSource(dataSource).locations(HOST_LOCATION).load();
	}

	private static int migrationCount(HikariDataSource dataSource) {
		return JdbcClient.create(dataSource)
			.sql("select count(*) from tenancy." + RegistryMigrations.HISTORY_TABLE + " where version is not null")
			.query(Integer.class)
			.single();
	}

	private static List<String> tables(JdbcClient jdbc, String schema) {
		return jdbc.sql("select table_name from information_schema.tables where table_schema = ? order by 1")
			.param(schema)
			.query(String.class)
			.list();
	}

	private static void await(CyclicBarrier barrier) {
		try {
			barrier.await(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
