package dev.tenancy.registry.jdbc;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the registry's Flyway migrations in its own schema, with its own history table, so they
 * never mix with the host application's migrations.
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

}
