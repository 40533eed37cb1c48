package dev.tenancy.sample;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.ConfigurableTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.tenancy.TenantId;
import dev.tenancy.context.TenantContext;
import dev.tenancy.jdbc.RowLevelSecurityCheck;
import dev.tenancy.jdbc.TenantTransactionListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * PostgreSQL row-level security, through the app's own DataSource and transaction manager
 * (the app role, not the owner): a query without any tenant predicate sees only the
 * current tenant's rows, no tenant sees no rows, writes for another tenant are refused,
 * keys are per tenant, and the catalog shows that this holds for every tenant table.
 */
@LocalAppTest
class RowLevelSecurityTest {

	/**
	 * PostgreSQL's insufficient_privilege, raised when a row violates a policy's WITH
	 * CHECK.
	 */
	static final String INSUFFICIENT_PRIVILEGE = "42501";

	@LocalServerPort
	int port;

	@Autowired
	DataSource dataSource;

	@Autowired
	PlatformTransactionManager transactionManager;

	Api api() {
		return new Api(this.port);
	}

	String createTrip(String client, String name, String reference) {
		String body = """
				{%s"name":"%s","destination":"Oslo","startDate":"2030-06-01","endDate":"2030-06-03"}"""
			.formatted((reference != null) ? "\"reference\":\"" + reference + "\"," : "", name);
		HttpResponse<String> response = api().postJson("/api/trips", body, "Authorization",
				Api.bearer(api().token(client)));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return Api.json(response).path("id").asString();
	}

	/**
	 * Run SQL in a transaction of the app's transaction manager, as a tenant or as none.
	 */
	<T> T inTransaction(String tenant, java.util.function.Function<JdbcClient, T> work) {
		JdbcClient jdbc = JdbcClient.create(this.dataSource);
		TransactionTemplate transaction = new TransactionTemplate(this.transactionManager);
		return TenantContext.supply((tenant != null) ? TenantId.of(tenant) : null,
				() -> transaction.execute((status) -> work.apply(jdbc)));
	}

	List<Map<String, Object>> selectAllTrips(String tenant) {
		return inTransaction(tenant, (jdbc) -> jdbc.sql("select * from travel.trip").query().listOfRows());
	}

	static List<Object> column(List<Map<String, Object>> rows, String name) {
		return rows.stream().map((row) -> row.get(name)).toList();
	}

	@Test
	void theAppsTransactionManagerSetsTheTenant() {
		// Spring Boot's own transaction manager, with the starter's listener added to it.
		assertThat(((ConfigurableTransactionManager) this.transactionManager).getTransactionExecutionListeners())
			.filteredOn(TenantTransactionListener.class::isInstance)
			.hasSize(1);
		String setting = inTransaction("acme",
				(jdbc) -> jdbc.sql("select current_setting('app.tenant_id', true)").query(String.class).single());
		assertThat(setting).isEqualTo("acme");
	}

	@Test
	void unfilteredSelectAsAcmeReturnsOnlyAcmesRows() throws SQLException {
		String acmeTrip = createTrip("acme-client", "RLS acme", null);
		String globexTrip = createTrip("globex-client", "RLS globex", null);

		List<Map<String, Object>> acme = selectAllTrips("acme");
		List<Map<String, Object>> globex = selectAllTrips("globex");

		assertThat(column(acme, "tenant_id")).isNotEmpty().containsOnly("acme");
		assertThat(column(acme, "id")).contains(UUID.fromString(acmeTrip)).doesNotContain(UUID.fromString(globexTrip));
		assertThat(column(globex, "tenant_id")).isNotEmpty().containsOnly("globex");
		assertThat(column(globex, "id")).contains(UUID.fromString(globexTrip))
			.doesNotContain(UUID.fromString(acmeTrip));
		// The table does hold both tenants' rows: the owner (a superuser here) bypasses
		// RLS.
		assertThat(ownerCount("select count(*) from travel.trip where tenant_id in ('acme', 'globex')"))
			.isEqualTo(acme.size() + globex.size());
	}

	@Test
	void noTenantSeesNoRowsInOrOutsideATransaction() {
		createTrip("acme-client", "RLS no tenant", null);

		assertThat(selectAllTrips(null)).isEmpty();
		String setting = inTransaction(null,
				(jdbc) -> jdbc.sql("select coalesce(current_setting('app.tenant_id', true), '')")
					.query(String.class)
					.single());
		assertThat(setting).isEmpty();
		// Outside any transaction nothing sets the tenant at all.
		assertThat(JdbcClient.create(this.dataSource).sql("select * from travel.trip").query().listOfRows()).isEmpty();
		// A tenant set inside a transaction is gone when it ends.
		inTransaction("acme", (jdbc) -> jdbc.sql("select 1").query().singleValue());
		assertThat(JdbcClient.create(this.dataSource).sql("select * from travel.trip").query().listOfRows()).isEmpty();
	}

	@Test
	void insertingARowForGlobexWhileAcmeIsCurrentIsRefused() throws SQLException {
		long globexRows = ownerCount("select count(*) from travel.trip where tenant_id = 'globex'");

		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> inTransaction("acme", (jdbc) -> jdbc.sql("""
					insert into travel.trip (tenant_id, id, reference, name, destination, start_date, end_date)
					values ('globex', ?, 'SMUGGLED', 'Smuggled', 'Nowhere', date '2030-01-01', date '2030-01-02')""")
				.param(UUID.randomUUID())
				.update()))
			.satisfies((ex) -> assertThat(sqlState(ex)).isEqualTo(INSUFFICIENT_PRIVILEGE))
			.havingRootCause()
			.withMessageContaining("new row violates row-level security policy for table \"trip\"");
		assertThat(ownerCount("select count(*) from travel.trip where tenant_id = 'globex'")).isEqualTo(globexRows);
	}

	@Test
	void acmeCannotMoveItsRowsToGlobexNorTouchGlobexsRows() throws SQLException {
		String acmeTrip = createTrip("acme-client", "RLS move", null);
		String globexTrip = createTrip("globex-client", "RLS untouchable", null);

		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> inTransaction("acme",
					(jdbc) -> jdbc.sql("update travel.trip set tenant_id = 'globex' where id = ?")
						.param(UUID.fromString(acmeTrip))
						.update()))
			.satisfies((ex) -> assertThat(sqlState(ex)).isEqualTo(INSUFFICIENT_PRIVILEGE));
		int updated = inTransaction("acme",
				(jdbc) -> jdbc.sql("update travel.trip set name = 'Hijacked' where id = ?")
					.param(UUID.fromString(globexTrip))
					.update());
		int deleted = inTransaction("acme",
				(jdbc) -> jdbc.sql("delete from travel.trip where id = ?").param(UUID.fromString(globexTrip)).update());

		assertThat(updated).isZero();
		assertThat(deleted).isZero();
		assertThat(ownerCount("select count(*) from travel.trip where id = '" + globexTrip
				+ "' and tenant_id = 'globex' and name = 'RLS untouchable'"))
			.isEqualTo(1);
		assertThat(ownerCount("select count(*) from travel.trip where id = '" + acmeTrip + "' and tenant_id = 'acme'"))
			.isEqualTo(1);
	}

	@Test
	void theSameReferenceExistsInBothTenantsButOnlyOnceInEach() throws SQLException {
		String reference = "SHARED-" + UUID.randomUUID().toString().substring(0, 8);

		String acmeTrip = createTrip("acme-client", "Acme shared", reference);
		String globexTrip = createTrip("globex-client", "Globex shared", reference);
		HttpResponse<String> again = api().postJson("/api/trips",
				"""
						{"reference":"%s","name":"Acme again","destination":"Oslo","startDate":"2030-06-01","endDate":"2030-06-03"}"""
					.formatted(reference),
				"Authorization", Api.bearer(api().token("acme-client")));

		assertThat(acmeTrip).isNotEqualTo(globexTrip);
		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(Api.code(again)).isEqualTo("reference_taken");
		assertThat(again.body()).doesNotContain(reference).doesNotContain("Globex");
		assertThat(ownerCount("select count(*) from travel.trip where reference = '" + reference + "'")).isEqualTo(2);
		HttpResponse<String> read = api().get("/api/trips/" + globexTrip, "Authorization",
				Api.bearer(api().token("globex-client")));
		assertThat(Api.json(read).path("reference").asString()).isEqualTo(reference);
	}

	@Test
	void everyTenantTableForcesRowLevelSecurityWithAPolicyOnTheSetting() throws SQLException {
		List<String> tenantTables = ownerStrings(
				"""
						select n.nspname || '.' || c.relname || ' rls=' || c.relrowsecurity || ' force=' || c.relforcerowsecurity
						from pg_class c
						join pg_namespace n on n.oid = c.relnamespace
						join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
						where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
						  -- the tenant registry's audit trail spans all tenants by design; a registry schema is
						  -- one holding the registry's Flyway history (the same rule as RowLevelSecurityCheck)
						  and not (c.relname in ('tenant_audit', 'tenant_email_domain', 'tenant_secret') and exists (select 1 from pg_class h
						           where h.relnamespace = c.relnamespace and h.relname = 'tenancy_schema_history'))
						order by 1""");
		List<String> policies = ownerStrings("""
				select schemaname || '.' || tablename || ' ' || cmd || ' using=' || qual || ' check=' || with_check
				from pg_policies where schemaname = 'travel' order by 1""");

		assertThat(tenantTables).contains("travel.trip rls=true force=true")
			.allSatisfy((table) -> assertThat(table).endsWith(" rls=true force=true"));
		String policy = " ALL using=((tenant_id)::text = current_setting('app.tenant_id'::text, true))"
				+ " check=((tenant_id)::text = current_setting('app.tenant_id'::text, true))";
		assertThat(policies).containsExactly("travel.helpdesk_article" + policy, "travel.helpdesk_message" + policy,
				"travel.helpdesk_suggestion" + policy, "travel.helpdesk_ticket" + policy,
				"travel.inbound_replay" + policy.replace("(tenant_id)::text", "(tenant_id)::text"),
				"travel.trip" + policy);
	}

	@Test
	void everyKeyOfATenantTableIncludesTenantId() throws SQLException {
		String tenantTables = """
				select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
				join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
				where c.relkind in ('r', 'p') and n.nspname = 'travel'""";
		// Unique indexes (primary keys and unique constraints among them) and foreign
		// keys.
		List<String> uniqueWithoutTenant = ownerStrings("""
				select i.indexrelid::regclass::text from pg_index i
				where i.indisunique and i.indrelid in (%s)
				  and not exists (select 1 from pg_attribute a where a.attrelid = i.indrelid
				                  and a.attnum = any(i.indkey) and a.attname = 'tenant_id')""".formatted(tenantTables));
		List<String> foreignKeysWithoutTenant = ownerStrings("""
				select c.conname from pg_constraint c
				where c.contype = 'f' and c.conrelid in (%s)
				  and not exists (select 1 from pg_attribute a where a.attrelid = c.conrelid
				                  and a.attnum = any(c.conkey) and a.attname = 'tenant_id')""".formatted(tenantTables));
		List<String> tripKeys = ownerStrings("""
				select c.conname || ' ' || pg_get_constraintdef(c.oid) from pg_constraint c
				where c.conrelid = 'travel.trip'::regclass and c.contype in ('p', 'u') order by 1""");

		assertThat(uniqueWithoutTenant).isEmpty();
		assertThat(foreignKeysWithoutTenant).isEmpty();
		assertThat(tripKeys).containsExactly("trip_pkey PRIMARY KEY (tenant_id, id)",
				"trip_reference_key UNIQUE (tenant_id, reference)");
	}

	@Test
	void theAppRoleIsNeitherSuperuserNorBypassRlsNorOwner() {
		JdbcClient app = JdbcClient.create(this.dataSource);

		Map<String, Object> role = app
			.sql("select current_user as name, rolsuper, rolbypassrls from pg_roles where rolname = current_user")
			.query()
			.singleRow();
		long owned = app
			.sql("""
					select (select count(*) from pg_class where relowner = (select oid from pg_roles where rolname = current_user))
					     + (select count(*) from pg_namespace where nspowner = (select oid from pg_roles where rolname = current_user))""")
			.query(Long.class)
			.single();

		assertThat(role).containsEntry("name", TestDatabase.APP_ROLE)
			.containsEntry("rolsuper", false)
			.containsEntry("rolbypassrls", false);
		assertThat(owned).isZero();
		assertThat(new RowLevelSecurityCheck(this.dataSource).problems()).isEmpty();
	}

	@Test
	void theAppRoleHasLeastPrivilege() {
		JdbcClient app = JdbcClient.create(this.dataSource);
		String check = """
				select has_table_privilege(current_user, 'travel.flyway_schema_history', 'SELECT,INSERT,UPDATE,DELETE')
				    or has_table_privilege(current_user, 'tenancy.tenancy_schema_history', 'SELECT,INSERT,UPDATE,DELETE')
				    or has_table_privilege(current_user, 'tenancy.tenant_audit', 'UPDATE,DELETE,TRUNCATE')
				    or has_table_privilege(current_user, 'tenancy.tenant', 'DELETE,TRUNCATE')
				    or has_table_privilege(current_user, 'travel.trip', 'TRUNCATE,REFERENCES,TRIGGER')
				    or has_schema_privilege(current_user, 'travel', 'CREATE')
				    or has_schema_privilege(current_user, 'tenancy', 'CREATE')
				    or has_schema_privilege(current_user, 'public', 'CREATE')""";

		assertThat(app.sql(check).query(Boolean.class).single()).isFalse();
		for (String privilege : List.of("SELECT", "INSERT", "UPDATE", "DELETE")) {
			assertThat(app.sql("select has_table_privilege(current_user, 'travel.trip', ?)")
				.param(privilege)
				.query(Boolean.class)
				.single()).as(privilege).isTrue();
		}
	}

	private static String sqlState(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql) {
				return sql.getSQLState();
			}
		}
		return null;
	}

	static long ownerCount(String sql) throws SQLException {
		try (Connection connection = TestDatabase.connectAsOwner();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getLong(1);
		}
	}

	static List<String> ownerStrings(String sql) throws SQLException {
		try (Connection connection = TestDatabase.connectAsOwner();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			List<String> values = new ArrayList<>();
			while (rs.next()) {
				values.add(rs.getString(1));
			}
			return values;
		}
	}

}
