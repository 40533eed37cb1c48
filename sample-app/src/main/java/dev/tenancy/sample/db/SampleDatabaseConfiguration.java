package dev.tenancy.sample.db;

import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.tenancy.registry.jdbc.RegistryMigrations;

/**
 * Who migrates what. Both schemas belong to the owner role that Spring Boot's Flyway connects as
 * ({@code spring.flyway.user}); the application connects as a separate, non-owner role
 * ({@code spring.datasource.username}):
 * <ol>
 * <li>the tenant registry's schema ({@code tenancy.registry.jdbc.schema}, default {@code tenancy})
 * with the library's migrations and its own history table, then</li>
 * <li>the application's schema {@code travel} ({@code classpath:db/migration}), whose
 * {@code afterMigrate.sql} grants the app role exactly what it needs in both schemas.</li>
 * </ol>
 * The starter's own registry migration ({@code tenancy.registry.jdbc.migrate}) is switched off in
 * {@code application.yml}: it would run as the app role, which must own nothing.
 * <p>
 * Why not let the app role own the registry schema: an owner can alter or drop its tables and
 * rewrite the audit trail (an owner may disable the append-only triggers). With the owner migrating
 * both, the app role cannot change any schema, and its audit privileges are {@code SELECT} and
 * {@code INSERT} only.
 */
@Configuration(proxyBeanMethods = false)
public class SampleDatabaseConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(SampleDatabaseConfiguration.class);

	/**
	 * Registry first, then the app (whose grants name the registry's tables).
	 * @param registrySchema the registry's schema
	 * @return the strategy Spring Boot's Flyway initializer runs
	 */
	@Bean
	FlywayMigrationStrategy registryThenApplicationMigrations(
			@Value("${tenancy.registry.jdbc.schema:tenancy}") String registrySchema) {
		return (Flyway flyway) -> {
			int registry = RegistryMigrations.migrate(flyway.getConfiguration().getDataSource(), registrySchema);
			int application = flyway.migrate().migrationsExecuted;
			logger.info("Database migrated as the owner role: {} registry and {} application migrations applied",
					registry, application);
		};
	}

}
