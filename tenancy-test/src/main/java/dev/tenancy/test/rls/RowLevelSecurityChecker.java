package dev.tenancy.test.rls;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.tenancy.jdbc.RowLevelSecurityCheck;
import dev.tenancy.jdbc.TenantTables;
import dev.tenancy.jdbc.TenantTransactionListener;

/**
 * Checks an application's PostgreSQL schema the way the starter's start-up check does,
 * and more: connected as the application's own role, it finds every table with a
 * {@code tenant_id} column and requires
 * <ul>
 * <li>row-level security enabled and forced, the role not the table's owner, and the role
 * neither superuser nor {@code BYPASSRLS} (the start-up check,
 * {@link RowLevelSecurityCheck});
 * <li>for each of {@code SELECT}, {@code INSERT}, {@code UPDATE} and {@code DELETE}, a
 * policy whose expression reads the tenant setting ({@code app.tenant_id}), and no
 * permissive policy that does not (permissive policies are OR'ed, so one
 * {@code USING (true)} opens the table).
 * </ul>
 * In a test: {@code RowLevelSecurityChecker.of(dataSource).assertSecure();}. In a
 * migration pipeline, after the migrations:
 * {@code java -cp ... dev.tenancy.test.rls.RowLevelSecurityChecker 'jdbc:postgresql://db/app?user=app_role&password=...'},
 * which exits with 1 and logs each problem when there is one.
 */
public final class RowLevelSecurityChecker {

	private static final List<String> COMMANDS = List.of("SELECT", "INSERT", "UPDATE", "DELETE");

	private final DataSource dataSource;

	private final String setting;

	private RowLevelSecurityChecker(DataSource dataSource, String setting) {
		this.dataSource = dataSource;
		this.setting = setting;
	}

	/**
	 * Check through the application's data source (its own role, not the owner's).
	 * @param dataSource the application's data source
	 * @return the checker
	 */
	public static RowLevelSecurityChecker of(DataSource dataSource) {
		return new RowLevelSecurityChecker(dataSource, TenantTransactionListener.DEFAULT_SETTING);
	}

	/**
	 * The connection setting the policies must read, when the application changed it.
	 * @param setting such as {@code app.tenant_id}
	 * @return a checker for that setting
	 */
	public RowLevelSecurityChecker setting(String setting) {
		return new RowLevelSecurityChecker(this.dataSource, Objects.requireNonNull(setting));
	}

	/**
	 * Everything that would let one tenant's rows reach another.
	 * @return the problems, empty when the schema isolates tenants
	 */
	public List<String> problems() {
		List<String> problems = new ArrayList<>(new RowLevelSecurityCheck(this.dataSource).problems());
		problems.addAll(policyProblems());
		return problems;
	}

	/**
	 * Fail unless the schema isolates tenants.
	 * @throws AssertionError naming every problem
	 */
	public void assertSecure() {
		List<String> problems = problems();
		if (!problems.isEmpty()) {
			throw new AssertionError(
					"Row-level security does not isolate tenants:\n  - " + String.join("\n  - ", problems));
		}
	}

	private List<String> policyProblems() {
		JdbcClient jdbc = JdbcClient.create(this.dataSource);
		List<String> tables = jdbc
			.sql("select n.nspname || '.' || c.relname " + TenantTables.FROM_TENANT_TABLES + "order by 1")
			.query(String.class)
			.list();
		Map<String, List<Policy>> policies = new LinkedHashMap<>();
		jdbc.sql("""
				select schemaname || '.' || tablename as "table", policyname, permissive, cmd,
				       coalesce(qual, '') as qual, coalesce(with_check, '') as with_check
				from pg_policies""").query((rs) -> {
			policies.computeIfAbsent(rs.getString("table"), (key) -> new ArrayList<>())
				.add(new Policy(rs.getString("policyname"), "PERMISSIVE".equals(rs.getString("permissive")),
						rs.getString("cmd"), rs.getString("qual"), rs.getString("with_check")));
		});
		List<String> problems = new ArrayList<>();
		for (String table : tables) {
			List<Policy> onTable = policies.getOrDefault(table, List.of());
			for (Policy policy : onTable) {
				if (policy.permissive() && !policy.readsSetting(this.setting)) {
					problems.add("table " + table + ": permissive policy " + policy.name()
							+ " does not read the tenant setting " + this.setting + ", so it opens the table");
				}
			}
			for (String command : COMMANDS) {
				boolean covered = onTable.stream()
					.anyMatch((policy) -> policy.permissive() && policy.appliesTo(command)
							&& policy.readsSetting(this.setting));
				if (!covered) {
					problems.add("table " + table + " has no policy on the tenant setting " + this.setting + " for "
							+ command);
				}
			}
		}
		return problems;
	}

	/**
	 * Check a database from the command line (a migration pipeline): exits with 0 when it
	 * isolates tenants, 1 otherwise, 2 on bad arguments.
	 * @param args the JDBC URL of the application's role (credentials as parameters),
	 * then optionally the setting's name
	 */
	public static void main(String[] args) {
		if (args.length < 1 || args.length > 2) {
			org.slf4j.LoggerFactory.getLogger(RowLevelSecurityChecker.class)
				.error("Usage: RowLevelSecurityChecker <jdbc-url-of-the-app-role> [setting]");
			System.exit(2);
		}
		System.exit(run(args));
	}

	/**
	 * What {@link #main} does, without exiting.
	 * @param args the arguments of {@link #main}
	 * @return the exit status
	 */
	public static int run(String... args) {
		RowLevelSecurityChecker checker = of(new DriverManagerDataSource(args[0]));
		if (args.length > 1) {
			checker = checker.setting(args[1]);
		}
		List<String> problems = checker.problems();
		org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(RowLevelSecurityChecker.class);
		problems.forEach((problem) -> logger.error("Row-level security: {}", problem));
		if (problems.isEmpty()) {
			logger.info("Row-level security isolates every tenant table");
		}
		return problems.isEmpty() ? 0 : 1;
	}

	record Policy(String name, boolean permissive, String command, String using, String check) {

		boolean appliesTo(String wanted) {
			return "ALL".equals(this.command) || wanted.equals(this.command);
		}

		/**
		 * Whether the expression that decides for the command reads the setting: the
		 * {@code WITH CHECK} (or, without one, {@code USING}) for writes, {@code USING}
		 * for the rest.
		 */
		boolean readsSetting(String setting) {
			String needle = "current_setting('" + setting + "'";
			boolean using = this.using.contains(needle);
			boolean check = this.check.isEmpty() ? using : this.check.contains(needle);
			return switch (this.command) {
				case "INSERT" -> check;
				case "SELECT", "DELETE" -> using;
				default -> using && check;
			};
		}

	}

}
