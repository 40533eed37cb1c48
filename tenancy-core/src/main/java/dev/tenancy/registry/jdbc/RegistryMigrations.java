package dev.tenancy.registry.jdbc;

import java.util.List;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Applies the registry's Flyway migrations in its own schema, with its own history table,
 * so they never mix with the host application's migrations.
 */
public final class RegistryMigrations {

	/** Where the registry's migrations live on the classpath. */
	public static final String LOCATION = "classpath:dev/tenancy/registry/jdbc/migration";

	/** The registry's Flyway history table. */
	public static final String HISTORY_TABLE = "tenancy_schema_history";

	private RegistryMigrations() {
	}

	/**
	 * Migrate the registry schema.
	 * @param dataSource a data source whose user may create the schema and its tables
	 * @param schema the schema
	 * @return how many migrations ran
	 */
	public static int migrate(DataSource dataSource, String schema) {
		MigrateResult result = Flyway.configure()
			.dataSource(dataSource)
			.schemas(schema)
			.defaultSchema(schema)
			.table(HISTORY_TABLE)
			.locations(LOCATION)
			.load()
			.migrate();
		return result.migrationsExecuted;
	}

	/**
	 * The privileges the application's role needs on the registry, and no more: read,
	 * create and update tenants (tenants are never deleted: soft delete is an update),
	 * read and append the audit trail (append-only by privilege, not only by trigger),
	 * maintain the e-mail domain index and the tenants' (encrypted) secrets, nothing on
	 * the Flyway history table and no DDL. Idempotent.
	 * @param owner a data source of the registry schema's owner
	 * @param schema the registry schema
	 * @param role the application's database role
	 * @return the statements run
	 */
	public static List<String> grant(DataSource owner, String schema, String role) {
		String s = quote(schema);
		String r = quote(role);
		List<String> statements = List.of("grant usage on schema " + s + " to " + r,
				"grant select, insert, update on " + s + ".tenant to " + r,
				"grant select, insert on " + s + ".tenant_audit to " + r,
				"grant usage on sequence " + s + ".tenant_audit_id_seq to " + r,
				"grant select, insert, delete on " + s + ".tenant_email_domain to " + r,
				"grant select, insert, update, delete on " + s + ".tenant_secret to " + r);
		JdbcClient jdbc = JdbcClient.create(owner);
		statements.forEach((statement) -> jdbc.sql(statement).update());
		return statements;
	}

	/** A quoted SQL identifier: role and schema names come from configuration. */
	private static String quote(String identifier) {
		return "\"" + identifier.replace("\"", "\"\"") + "\"";
	}

}
