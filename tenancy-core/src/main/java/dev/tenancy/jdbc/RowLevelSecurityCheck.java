package dev.tenancy.jdbc;

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Checks at start-up that row-level security can actually hold for the application's
 * database role: PostgreSQL skips RLS for superusers, for roles with {@code BYPASSRLS},
 * and for a table's owner unless the table forces it. So the application role must be
 * none of these, and every table with a {@code tenant_id} column must have RLS enabled
 * and forced, except the tenant registry's own tables ({@link TenantTables}), which span
 * every tenant by design.
 */
public final class RowLevelSecurityCheck {

	private static final Logger logger = LoggerFactory.getLogger(RowLevelSecurityCheck.class);

	private final JdbcClient jdbc;

	public RowLevelSecurityCheck(DataSource dataSource) {
		this.jdbc = JdbcClient.create(dataSource);
	}

	/**
	 * Find what would let rows of one tenant reach another.
	 * @return the problems, empty when RLS holds
	 */
	public List<String> problems() {
		List<String> problems = new ArrayList<>();
		String role = this.jdbc.sql("select current_user").query(String.class).single();
		this.jdbc.sql("select rolsuper, rolbypassrls from pg_roles where rolname = current_user").query((rs) -> {
			if (rs.getBoolean("rolsuper")) {
				problems.add("database role '" + role + "' is a superuser, so row-level security does not apply");
			}
			if (rs.getBoolean("rolbypassrls")) {
				problems.add("database role '" + role + "' has BYPASSRLS");
			}
		});
		this.jdbc.sql("""
				select n.nspname as schema, c.relname as table, pg_get_userbyid(c.relowner) as owner,
				       c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
				       pg_has_role(current_user, c.relowner, 'USAGE') as owned
				""" + TenantTables.FROM_TENANT_TABLES + "order by 1, 2").query((rs) -> {
			String table = rs.getString("schema") + "." + rs.getString("table");
			if (!rs.getBoolean("enabled") || !rs.getBoolean("forced")) {
				problems
					.add("table " + table + " has a tenant_id column but row-level security is not enabled and forced");
			}
			if (rs.getBoolean("owned")) {
				problems.add("database role '" + role + "' owns (or is a member of the owner of) table " + table
						+ "; run migrations as a separate owner role");
			}
		});
		return problems;
	}

	/**
	 * Run the check.
	 * @param failOnProblem {@code true} to refuse to start, {@code false} to log an error
	 * only
	 * @throws IllegalStateException when a problem is found and {@code failOnProblem} is
	 * set
	 */
	public void verify(boolean failOnProblem) {
		List<String> problems = problems();
		if (problems.isEmpty()) {
			logger.info("Row-level security check passed");
			return;
		}
		String message = "Row-level security cannot isolate tenants: " + String.join("; ", problems)
				+ ". Fix the database roles, or set tenancy.jdbc.rls-check=warn to start anyway.";
		if (failOnProblem) {
			throw new IllegalStateException(message);
		}
		logger.error("UNSAFE: {}", message);
	}

}
