package dev.tenancy.autoconfigure;

import java.util.Objects;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.tenancy.registry.jdbc.RegistryMigrations;

/**
 * Migrates the tenant registry's schema the way Spring Boot migrates the application's:
 * with the {@link Flyway} bean's connection, so as the owner role of
 * {@code spring.flyway.user} / {@code spring.flyway.password} / {@code spring.flyway.url}
 * (or a {@code FlywayConnectionDetails} or {@code @FlywayDataSource}), never as the
 * application's role. Then grants the application's role (whoever
 * {@code spring.datasource.*} connects as) exactly what the registry needs.
 * <p>
 * Runs after Boot's {@link FlywayMigrationInitializer}, so the application's migrations
 * may create the application role first, and before the registry is used (the registry
 * bean depends on this one).
 */
class TenancyRegistryMigration implements InitializingBean {

	private static final Logger logger = LoggerFactory.getLogger(TenancyRegistryMigration.class);

	private final ObjectProvider<Flyway> flyway;

	private final ObjectProvider<FlywayMigrationInitializer> applicationMigrations;

	private final DataSource applicationDataSource;

	private final String schema;

	TenancyRegistryMigration(ObjectProvider<Flyway> flyway,
			ObjectProvider<FlywayMigrationInitializer> applicationMigrations, DataSource applicationDataSource,
			String schema) {
		this.flyway = flyway;
		this.applicationMigrations = applicationMigrations;
		this.applicationDataSource = applicationDataSource;
		this.schema = schema;
	}

	@Override
	public void afterPropertiesSet() {
		Flyway owner = this.flyway.getIfAvailable();
		if (owner == null) {
			throw new TenancyConfigurationException(
					"tenancy.registry.jdbc.migrate is true but Spring Boot's Flyway is not configured (spring.flyway.enabled=false, "
							+ "or no Flyway bean), so the tenant registry cannot be migrated as the owner role.",
					"Enable Spring Boot's Flyway (spring.flyway.enabled=true, owner credentials in spring.flyway.user and "
							+ "spring.flyway.password), or set tenancy.registry.jdbc.migrate=false and apply the "
							+ "registry's migrations (" + RegistryMigrations.LOCATION + ") yourself.");
		}
		// The application's own migrations first: they may create the application's role.
		this.applicationMigrations.getIfAvailable();
		DataSource ownerDataSource = owner.getConfiguration().getDataSource();
		int applied = RegistryMigrations.migrate(ownerDataSource, this.schema);
		String ownerRole = currentUser(ownerDataSource);
		String applicationRole = currentUser(this.applicationDataSource);
		if (Objects.equals(ownerRole, applicationRole)) {
			logger.warn("The tenant registry (schema {}) was migrated as the application's own database role '{}' "
					+ "({} migrations applied): it owns the registry's tables and could alter them or rewrite their "
					+ "audit trail. Set spring.flyway.user and spring.flyway.password to a separate owner role.",
					this.schema, applicationRole, applied);
			return;
		}
		RegistryMigrations.grant(ownerDataSource, this.schema, applicationRole);
		logger.info("Tenant registry schema {} migrated as '{}' ({} migrations applied); application role '{}' granted "
				+ "its privileges", this.schema, ownerRole, applied, applicationRole);
	}

	private static String currentUser(DataSource dataSource) {
		return JdbcClient.create(dataSource).sql("select current_user").query(String.class).single();
	}

}
