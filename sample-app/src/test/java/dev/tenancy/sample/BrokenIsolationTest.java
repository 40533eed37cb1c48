package dev.tenancy.sample;

import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.tenancy.context.TenantContext;
import dev.tenancy.jdbc.TenantTransactionListener;
import dev.tenancy.sample.trips.JdbcTripRepository;
import dev.tenancy.sample.trips.Trip;
import dev.tenancy.sample.trips.TripRepository;
import dev.tenancy.test.Databases;
import dev.tenancy.test.Databases.ScratchDatabase;
import dev.tenancy.test.isolation.IsolationProbe;
import dev.tenancy.test.isolation.IsolationReport;
import dev.tenancy.test.isolation.RepositoryProbe;
import dev.tenancy.test.rls.RowLevelSecurityChecker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The kit fails when isolation is broken on purpose, on a database of its own migrated
 * with the app's own migrations (so breaking it cannot disturb other tests): the RLS
 * checker when the trip table's policy is dropped, the probe when a repository drops its
 * tenant condition and row-level security is off. Each layer alone still holds: the probe
 * passes a repository without its tenant condition while RLS is on.
 */
class BrokenIsolationTest {

	static final String SUFFIX = UUID.randomUUID().toString().replace("-", "").substring(0, 10);

	static final String OWNER = "travel_owner_" + SUFFIX;

	static final String APP = "travel_app_" + SUFFIX;

	static ScratchDatabase database;

	HikariDataSource app;

	TransactionTemplate transactions;

	@BeforeAll
	static void createRoles() {
		database = Databases.scratch();
		Databases.execute(database.serverUrl(), "create role " + OWNER + " login nosuperuser",
				"create role " + APP + " login nosuperuser nobypassrls");
		Databases.execute(database.jdbcUrl(), "grant create on database " + database.name() + " to " + OWNER);
	}

	@AfterAll
	static void dropRoles() {
		database.close();
		Databases.execute(database.serverUrl(), "drop role if exists " + APP, "drop role if exists " + OWNER);
	}

	@BeforeEach
	void migrate() {
		asOwner("drop schema if exists travel cascade");
		Flyway.configure()
			.dataSource(ownerUrl(), null, null)
			.schemas("travel")
			.locations("classpath:db/migration")
			.placeholders(java.util.Map.of("app-role", APP))
			.load()
			.migrate();
		this.app = Databases.hikari(Databases.asUser(database.jdbcUrl(), APP, ""), 2, "broken-isolation");
		JdbcTransactionManager manager = new JdbcTransactionManager(this.app);
		TenantTransactionListener.register(manager, TenantTransactionListener.DEFAULT_SETTING);
		this.transactions = new TransactionTemplate(manager);
	}

	@AfterEach
	void closePool() {
		this.app.close();
	}

	static String ownerUrl() {
		return Databases.asUser(database.jdbcUrl(), OWNER, "");
	}

	static void asOwner(String... sql) {
		Databases.execute(ownerUrl(), sql);
	}

	RepositoryProbe<UUID> probe(TripRepository trips) {
		return RepositoryProbe.<UUID>named(trips.getClass().getSimpleName())
			.inTransaction(this.transactions)
			.create(() -> trips
				.save(new Trip(UUID.randomUUID(), "PROBE-" + SUFFIX, "Probe", "Oslo", LocalDate.of(2030, 1, 1),
						LocalDate.of(2030, 1, 2)))
				.id())
			.read(trips::findById);
	}

	@Test
	void theAppsMigrationsPassTheChecker() {
		RowLevelSecurityChecker.of(this.app).assertSecure();
		IsolationProbe.between("acme", "globex")
			.probe(probe(new JdbcTripRepository(JdbcClient.create(this.app))))
			.run()
			.assertIsolated();
	}

	@Test
	void aDroppedPolicyFailsTheChecker() {
		asOwner("drop policy trip_tenant_isolation on travel.trip");

		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> RowLevelSecurityChecker.of(this.app).assertSecure())
			.withMessageContaining("table travel.trip has no policy on the tenant setting app.tenant_id for SELECT")
			.withMessageContaining("for DELETE");
	}

	@Test
	void rowLevelSecurityStillHoldsWhenARepositoryDropsItsTenantCondition() {
		IsolationReport report = IsolationProbe.between("acme", "globex")
			.probe(probe(new WithoutTenantCondition(JdbcClient.create(this.app))))
			.run();

		assertThat(report.isolated()).as(report.toString()).isTrue();
	}

	@Test
	void theProbeFailsWhenNeitherTheQueryNorRowLevelSecurityHoldsTheTenant() {
		asOwner("alter table travel.trip disable row level security");

		IsolationReport report = IsolationProbe.between("acme", "globex")
			.probe(probe(new WithoutTenantCondition(JdbcClient.create(this.app))))
			.run();

		assertThat(report.leaks()).singleElement().satisfies((leak) -> {
			assertThat(leak.probe()).isEqualTo("WithoutTenantCondition");
			assertThat(leak.operation()).isEqualTo("read");
			assertThat(leak.detail()).contains("found").contains("PROBE-" + SUFFIX);
		});
		assertThatExceptionOfType(AssertionError.class).isThrownBy(report::assertIsolated)
			.withMessageContaining("LEAK  WithoutTenantCondition read");
		assertThat(RowLevelSecurityChecker.of(this.app).problems())
			.contains("table travel.trip has a tenant_id column but row-level security is not enabled and forced");
	}

	/** The bug the probe is for: a lookup by id that forgot the tenant condition. */
	static final class WithoutTenantCondition extends JdbcTripRepository {

		private final JdbcClient jdbc;

		WithoutTenantCondition(JdbcClient jdbc) {
			super(jdbc);
			this.jdbc = jdbc;
		}

		@Override
		public Optional<Trip> findById(UUID id) {
			TenantContext.require();
			return this.jdbc
				.sql("select id, reference, name, destination, start_date, end_date from travel.trip where id = ?")
				.param(id)
				.query((rs, row) -> new Trip(rs.getObject("id", UUID.class), rs.getString("reference"),
						rs.getString("name"), rs.getString("destination"), rs.getObject("start_date", LocalDate.class),
						rs.getObject("end_date", LocalDate.class)))
				.optional();
		}

	}

}
