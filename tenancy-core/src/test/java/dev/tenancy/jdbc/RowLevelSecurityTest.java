package dev.tenancy.jdbc;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.tenancy.TenantId;
import dev.tenancy.context.TenantContext;
import dev.tenancy.registry.jdbc.RegistryMigrations;
import dev.tenancy.test.Databases;
import dev.tenancy.test.Databases.ScratchDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Row-level security as the sample app uses it, against a real PostgreSQL: migrations by
 * an owner role, the application connecting as a separate non-owner role through a pool
 * of ONE connection, the tenant put on each transaction by a
 * {@link TenantTransactionListener} on a plain {@link JdbcTransactionManager}.
 * <p>
 * The test has a database of its own (the check looks at the whole catalog) and roles of
 * its own (roles are cluster-wide: unique names, dropped at the end).
 */
class RowLevelSecurityTest {

	static final TenantId ACME = TenantId.of("acme");

	static final TenantId GLOBEX = TenantId.of("globex");

	static final String PASSWORD = "rls-test-" + UUID.randomUUID();

	static ScratchDatabase database;

	static String owner;

	static String app;

	static String bypass;

	static String member;

	static HikariDataSource appPool;

	static JdbcClient appJdbc;

	static TransactionTemplate transactions;

	static JdbcClient superuser;

	static JdbcClient ownerJdbc;

	@BeforeAll
	static void createDatabaseRolesAndSchema() throws Exception {
		database = Databases.scratch();
		String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
		owner = "tenancy_rls_owner_" + suffix;
		app = "tenancy_rls_app_" + suffix;
		bypass = "tenancy_rls_bypass_" + suffix;
		member = "tenancy_rls_member_" + suffix;
		Databases.execute(database.jdbcUrl(), "create role " + owner + " login password '" + PASSWORD + "'",
				"create role " + app + " login password '" + PASSWORD + "'",
				"create role " + bypass + " login bypassrls password '" + PASSWORD + "'",
				"create role " + member + " login password '" + PASSWORD + "' in role " + owner,
				"grant create on database " + database.name() + " to " + owner,
				"grant all on schema public to " + owner);

		// Migrations, as the owner role.
		Databases.execute(as(owner),
				"create table trip (tenant_id text not null, id uuid not null, name text not null, "
						+ "primary key (tenant_id, id))",
				"alter table trip enable row level security", "alter table trip force row level security",
				"create policy trip_tenant on trip using (tenant_id = current_setting('app.tenant_id', true)) "
						+ "with check (tenant_id = current_setting('app.tenant_id', true))",
				"grant select, insert, update, delete on trip to " + app + ", " + bypass + ", " + member);
		PGSimpleDataSource ownerDataSource = new PGSimpleDataSource();
		ownerDataSource.setURL(as(owner));
		ownerJdbc = JdbcClient.create(ownerDataSource);
		// The tenant registry lives in the same database, in its own schema, used by the
		// app role.
		RegistryMigrations.migrate(ownerDataSource, "tenancy");
		Databases.execute(as(owner), "grant usage on schema tenancy to " + app,
				"grant select, insert, update on all tables in schema tenancy to " + app,
				"grant usage on all sequences in schema tenancy to " + app);

		PGSimpleDataSource superuserDataSource = new PGSimpleDataSource();
		superuserDataSource.setURL(database.jdbcUrl());
		superuser = JdbcClient.create(superuserDataSource);

		appPool = Databases.hikari(as(app), 1, "rls-app");
		appJdbc = JdbcClient.create(appPool);
		JdbcTransactionManager manager = new JdbcTransactionManager(appPool);
		assertThat(TenantTransactionListener.register(manager, TenantTransactionListener.DEFAULT_SETTING)).isTrue();
		transactions = new TransactionTemplate(manager);

		for (String name : List.of("Lisbon", "Porto", "Faro")) {
			insert(ACME, ACME, UUID.randomUUID(), name);
		}
		for (String name : List.of("Geneva", "Zurich")) {
			insert(GLOBEX, GLOBEX, UUID.randomUUID(), name);
		}
	}

	@AfterAll
	static void dropEverything() {
		if (appPool != null) {
			appPool.close();
		}
		if (database != null) {
			database.close();
			Databases.execute(database.serverUrl(), "drop role if exists " + member, "drop role if exists " + bypass,
					"drop role if exists " + app, "drop role if exists " + owner);
		}
	}

	@Test
	void onePooledConnectionServesAcmeThenNoTenantThenGlobexWithoutLeaking() throws Exception {
		Visit acme = visit(ACME);
		Visit none = visit(null);
		Visit globex = visit(GLOBEX);
		Visit acmeAgain = visit(ACME);

		assertThat(acme.tenants()).hasSize(3).containsOnly("acme");
		assertThat(none.tenants()).isEmpty();
		assertThat(globex.tenants()).hasSize(2).containsOnly("globex");
		assertThat(acmeAgain.tenants()).hasSize(3).containsOnly("acme");
		assertThat(none.setting()).as("the setting did not survive acme's transaction").isNullOrEmpty();
		assertThat(List.of(acme, none, globex, acmeAgain)).extracting(Visit::backend)
			.as("the same physical connection every time")
			.containsOnly(acme.backend());

		// Outside any transaction (autocommit), on that same connection, even while a
		// tenant is current.
		List<String> autocommit = TenantContext.call(ACME,
				() -> appJdbc.sql("select tenant_id from trip").query(String.class).list());
		assertThat(autocommit).isEmpty();
		String leftover = appJdbc.sql("select current_setting('app.tenant_id', true)").query(String.class).single();
		assertThat(leftover).isNullOrEmpty();
		assertThat(appJdbc.sql("select pg_backend_pid()").query(Integer.class).single()).isEqualTo(acme.backend());
	}

	@Test
	void failedTransactionLeavesNoTenantBehind() throws Exception {
		assertThatIllegalStateException()
			.isThrownBy(() -> TenantContext.call(ACME, () -> transactions.execute((status) -> {
				assertThat(appJdbc.sql("select count(*) from trip").query(Integer.class).single()).isEqualTo(3);
				throw new IllegalStateException("boom");
			})));
		assertThat(visit(null).tenants()).isEmpty();
	}

	@Test
	void insertingAnotherTenantsRowIsRefused() throws Exception {
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> insert(ACME, GLOBEX, UUID.randomUUID(), "Smuggled"))
			.havingRootCause()
			.withMessageContaining("row-level security");
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> insert(null, GLOBEX, UUID.randomUUID(), "No tenant"))
			.havingRootCause()
			.withMessageContaining("row-level security");
		// Moving a row to another tenant is refused too.
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> TenantContext.call(ACME, () -> transactions
				.execute((status) -> appJdbc.sql("update trip set tenant_id = 'globex' where name = 'Faro'").update())))
			.havingRootCause()
			.withMessageContaining("row-level security");
		// Another tenant's rows cannot be touched: they are not there.
		int deleted = TenantContext.call(ACME, () -> transactions
			.execute((status) -> appJdbc.sql("delete from trip where tenant_id = 'globex'").update()));
		assertThat(deleted).isZero();
		// Outside a transaction nothing can be written at all.
		assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> TenantContext.call(ACME,
				() -> appJdbc.sql("insert into trip values ('acme', ?, 'x')").param(UUID.randomUUID()).update()));
		assertThat(visit(GLOBEX).tenants()).hasSize(2);
		assertThat(visit(ACME).names()).containsExactlyInAnyOrder("Lisbon", "Porto", "Faro");
	}

	@Test
	void theSameIdCanExistInBothTenants() throws Exception {
		UUID shared = UUID.randomUUID();
		try {
			insert(ACME, ACME, shared, "Shared acme");
			insert(GLOBEX, GLOBEX, shared, "Shared globex");
			assertThat(byId(ACME, shared)).containsExactly("Shared acme");
			assertThat(byId(GLOBEX, shared)).containsExactly("Shared globex");
		}
		finally {
			superuser.sql("delete from trip where id = ?").param(shared).update();
		}
	}

	@Test
	void checkPassesForTheApplicationRole() {
		RowLevelSecurityCheck check = new RowLevelSecurityCheck(appPool);
		assertThat(check.problems()).isEmpty();
		assertThatNoException().isThrownBy(() -> check.verify(true));
	}

	@Test
	void checkFailsForTheSuperuser() {
		List<String> problems = new RowLevelSecurityCheck(dataSource(database.jdbcUrl())).problems();
		assertThat(problems).anySatisfy((problem) -> assertThat(problem).contains("superuser"));
		assertThatIllegalStateException()
			.isThrownBy(() -> new RowLevelSecurityCheck(dataSource(database.jdbcUrl())).verify(true))
			.withMessageContaining("superuser");
		assertThatNoException()
			.isThrownBy(() -> new RowLevelSecurityCheck(dataSource(database.jdbcUrl())).verify(false));
	}

	@Test
	void checkFailsForTheOwnerRoleAndItsMembers() {
		assertThat(new RowLevelSecurityCheck(dataSource(as(owner))).problems())
			.anySatisfy((problem) -> assertThat(problem).contains("owns").contains("public.trip"));
		assertThat(new RowLevelSecurityCheck(dataSource(as(member))).problems())
			.anySatisfy((problem) -> assertThat(problem).contains("public.trip"));
	}

	@Test
	void checkFailsForARoleWithBypassRls() {
		assertThat(new RowLevelSecurityCheck(dataSource(as(bypass))).problems())
			.anySatisfy((problem) -> assertThat(problem).contains("BYPASSRLS"));
		// which is why it must fail: that role sees every tenant
		assertThat(JdbcClient.create(dataSource(as(bypass)))
			.sql("select count(*) from trip")
			.query(Integer.class)
			.single()).isEqualTo(5);
	}

	@Test
	void checkFailsForATenantTableWithoutForcedOrEnabledRowLevelSecurity() {
		Databases.execute(as(owner),
				"create table booking (tenant_id text not null, id uuid not null, primary key (tenant_id, id))",
				"alter table booking enable row level security",
				"create table invoice (tenant_id text not null, id uuid not null, primary key (tenant_id, id))");
		try {
			List<String> problems = new RowLevelSecurityCheck(appPool).problems();
			assertThat(problems).hasSize(2)
				.anySatisfy((problem) -> assertThat(problem).contains("public.booking").contains("forced"))
				.anySatisfy((problem) -> assertThat(problem).contains("public.invoice"));
		}
		finally {
			Databases.execute(as(owner), "drop table booking", "drop table invoice");
		}
		assertThat(new RowLevelSecurityCheck(appPool).problems()).isEmpty();
	}

	@Test
	void theOwnerIsSubjectToForcedRowLevelSecurity() {
		assertThat(ownerJdbc.sql("select count(*) from trip").query(Integer.class).single()).isZero();
		assertThat(superuser.sql("select count(*) from trip").query(Integer.class).single())
			.as("superusers bypass RLS, hence the check")
			.isEqualTo(5);
	}

	@Test
	void settingNameIsValidated() {
		JdbcTransactionManager manager = new JdbcTransactionManager(appPool);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new TenantTransactionListener(manager, appPool, "tenant"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new TenantTransactionListener(manager, appPool, "app.tenant'; drop table trip; --"));
		assertThat(new TenantTransactionListener(manager, appPool, "myapp.current_tenant").getSetting())
			.isEqualTo("myapp.current_tenant");
	}

	@Test
	void registeringTwiceAddsOneListenerAndManagersWithoutADataSourceAreLeftAlone() {
		JdbcTransactionManager manager = new JdbcTransactionManager(appPool);
		assertThat(TenantTransactionListener.register(manager, "app.tenant_id")).isTrue();
		assertThat(TenantTransactionListener.register(manager, "app.tenant_id")).isTrue();
		assertThat(manager.getTransactionExecutionListeners()).hasSize(1);
		NoDataSourceTransactionManager none = new NoDataSourceTransactionManager();
		assertThat(TenantTransactionListener.register(none, "app.tenant_id")).isFalse();
		assertThat(none.getTransactionExecutionListeners()).isEmpty();
	}

	@Test
	void aTransactionWhoseConnectionCannotGetTheTenantFailsToBeginAndLeavesNothingBound() throws Exception {
		// The listener names a DataSource the manager binds no connection for: it cannot
		// reach the
		// transaction's connection, so the transaction must not run (and must not leak
		// its connection).
		JdbcTransactionManager manager = new JdbcTransactionManager(appPool);
		PGSimpleDataSource other = new PGSimpleDataSource();
		other.setURL(as(app));
		manager.addListener(new TenantTransactionListener(manager, other, "app.tenant_id"));
		TransactionTemplate template = new TransactionTemplate(manager);
		java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
		assertThatExceptionOfType(org.springframework.transaction.CannotCreateTransactionException.class)
			.isThrownBy(() -> TenantContext.run(ACME, () -> template.executeWithoutResult((status) -> ran.set(true))))
			.withMessageContaining("app.tenant_id");
		assertThat(ran).isFalse();
		assertThat(org.springframework.transaction.support.TransactionSynchronizationManager.getResourceMap())
			.isEmpty();
		assertThat(org.springframework.transaction.support.TransactionSynchronizationManager.isSynchronizationActive())
			.isFalse();
		// The pool's one connection went back: the next transaction gets it.
		assertThat(visit(ACME).setting()).isEqualTo("acme");
	}

	private static Visit visit(TenantId tenant) throws Exception {
		return TenantContext.call(tenant, () -> transactions.execute((status) -> {
			List<Map<String, Object>> rows = appJdbc.sql("select * from trip").query().listOfRows();
			int backend = appJdbc.sql("select pg_backend_pid()").query(Integer.class).single();
			String setting = appJdbc.sql("select current_setting('app.tenant_id', true)").query(String.class).single();
			return new Visit(rows, backend, setting);
		}));
	}

	private static List<String> byId(TenantId tenant, UUID id) throws Exception {
		return TenantContext.call(tenant, () -> transactions.execute(
				(status) -> appJdbc.sql("select name from trip where id = ?").param(id).query(String.class).list()));
	}

	private static void insert(TenantId current, TenantId rowTenant, UUID id, String name) throws Exception {
		TenantContext.call(current,
				() -> transactions
					.execute((status) -> appJdbc.sql("insert into trip (tenant_id, id, name) values (?, ?, ?)")
						.params(rowTenant.value(), id, name)
						.update()));
	}

	private static String as(String role) {
		return Databases.asUser(database.jdbcUrl(), role, PASSWORD);
	}

	private static PGSimpleDataSource dataSource(String url) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setURL(url);
		return dataSource;
	}

	/** A transaction manager with no DataSource, like a message broker's. */
	static class NoDataSourceTransactionManager
			extends org.springframework.transaction.support.AbstractPlatformTransactionManager {

		@Override
		protected Object doGetTransaction() {
			return new Object();
		}

		@Override
		protected void doBegin(Object transaction, org.springframework.transaction.TransactionDefinition definition) {
		}

		@Override
		protected void doCommit(org.springframework.transaction.support.DefaultTransactionStatus status) {
		}

		@Override
		protected void doRollback(org.springframework.transaction.support.DefaultTransactionStatus status) {
		}

	}

	record Visit(List<Map<String, Object>> rows, int backend, String setting) {

		List<String> tenants() {
			return this.rows.stream().map((row) -> Objects.toString(row.get("tenant_id"))).toList();
		}

		List<String> names() {
			return this.rows.stream().map((row) -> Objects.toString(row.get("name"))).toList();
		}

	}

}
