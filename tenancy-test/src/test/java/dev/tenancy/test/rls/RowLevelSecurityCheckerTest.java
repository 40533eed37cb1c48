package dev.tenancy.test.rls;

import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.tenancy.test.Databases;
import dev.tenancy.test.Databases.ScratchDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The checker on a real PostgreSQL schema of its own: an owner role that migrates, an app
 * role that only uses the table, and each way of breaking isolation done on purpose.
 */
class RowLevelSecurityCheckerTest {

	static final String SUFFIX = UUID.randomUUID().toString().replace("-", "").substring(0, 10);

	static final String OWNER = "rls_owner_" + SUFFIX;

	static final String APP = "rls_app_" + SUFFIX;

	static ScratchDatabase database;

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
		asOwner("drop schema if exists notes cascade", "create schema notes", "grant usage on schema notes to " + APP,
				"create table notes.note (tenant_id text not null, id int not null, body text,"
						+ " primary key (tenant_id, id))",
				"create table notes.kind (id int primary key, name text)",
				"alter table notes.note enable row level security", "alter table notes.note force row level security",
				"create policy note_tenant on notes.note using (tenant_id = current_setting('app.tenant_id', true))"
						+ " with check (tenant_id = current_setting('app.tenant_id', true))",
				"grant select, insert, update, delete on notes.note, notes.kind to " + APP);
	}

	static void asOwner(String... sql) {
		Databases.execute(Databases.asUser(database.jdbcUrl(), OWNER, ""), sql);
	}

	static RowLevelSecurityChecker checker() {
		return RowLevelSecurityChecker.of(new DriverManagerDataSource(appUrl()));
	}

	static String appUrl() {
		return Databases.asUser(database.jdbcUrl(), APP, "");
	}

	@Test
	void aForcedTableWithATenantPolicyPasses() {
		assertThat(checker().problems()).isEmpty();
		checker().assertSecure();
		assertThat(RowLevelSecurityChecker.run(appUrl())).isZero();
	}

	@Test
	void aRemovedPolicyIsFoundForEveryCommand() {
		asOwner("drop policy note_tenant on notes.note");

		assertThat(checker().problems()).containsExactly(
				"table notes.note has no policy on the tenant setting app.tenant_id for SELECT",
				"table notes.note has no policy on the tenant setting app.tenant_id for INSERT",
				"table notes.note has no policy on the tenant setting app.tenant_id for UPDATE",
				"table notes.note has no policy on the tenant setting app.tenant_id for DELETE");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> checker().assertSecure())
			.withMessageContaining("Row-level security does not isolate tenants")
			.withMessageContaining("for SELECT");
		assertThat(RowLevelSecurityChecker.run(appUrl())).isEqualTo(1);
	}

	@Test
	void aPermissivePolicyThatIgnoresTheTenantOpensTheTable() {
		asOwner("create policy note_everyone on notes.note for select using (true)");

		assertThat(checker().problems()).containsExactly(
				"table notes.note: permissive policy note_everyone does not read the tenant setting app.tenant_id,"
						+ " so it opens the table");
	}

	@Test
	void aPolicyThatChecksWritesOnlyLeavesReadsOpen() {
		asOwner("drop policy note_tenant on notes.note", "create policy note_insert on notes.note for insert"
				+ " with check (tenant_id = current_setting('app.tenant_id', true))");

		assertThat(checker().problems()).containsExactly(
				"table notes.note has no policy on the tenant setting app.tenant_id for SELECT",
				"table notes.note has no policy on the tenant setting app.tenant_id for UPDATE",
				"table notes.note has no policy on the tenant setting app.tenant_id for DELETE");
	}

	@Test
	void aPolicyOnAnotherSettingIsNotOneOnTheTenant() {
		assertThat(checker().setting("app.current_org").problems()).hasSize(5)
			.contains("table notes.note: permissive policy note_tenant does not read the tenant setting"
					+ " app.current_org, so it opens the table");
	}

	@Test
	void rowLevelSecurityThatIsNotForcedIsFound() {
		asOwner("alter table notes.note no force row level security");

		assertThat(checker().problems()).containsExactly(
				"table notes.note has a tenant_id column but row-level security is not enabled and forced");
	}

	@Test
	void theOwnerAsAppRoleIsFound() {
		RowLevelSecurityChecker asOwner = RowLevelSecurityChecker
			.of(new DriverManagerDataSource(Databases.asUser(database.jdbcUrl(), OWNER, "")));

		assertThat(asOwner.problems()).singleElement()
			.satisfies((problem) -> assertThat(problem)
				.contains("owns (or is a member of the owner of) table notes.note"));
	}

	@Test
	void aBypassRlsRoleIsFound() {
		Databases.execute(database.serverUrl(), "alter role " + APP + " bypassrls");
		try {
			assertThat(checker().problems()).containsExactly("database role '" + APP + "' has BYPASSRLS");
		}
		finally {
			Databases.execute(database.serverUrl(), "alter role " + APP + " nobypassrls");
		}
	}

}
