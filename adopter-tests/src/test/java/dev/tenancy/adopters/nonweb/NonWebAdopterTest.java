package dev.tenancy.adopters.nonweb;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.ConfigurableTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.adopters.AdopterDatabase;
import dev.tenancy.context.TenantContext;
import dev.tenancy.registry.InMemoryTenantRegistry;
import dev.tenancy.registry.TenantAdministration;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.registry.jdbc.JdbcTenantRegistry;
import dev.tenancy.registry.jdbc.PostgresChangeListener;
import dev.tenancy.test.Databases;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A non-web application gets a tenant registry from the starter: from
 * {@code tenancy.tenants.*}, and from PostgreSQL, migrated by Spring Boot's Flyway as the
 * owner role with the application role granted its privileges. The PostgreSQL one is also
 * the connection-details application: its database is given only by a
 * {@link JdbcConnectionDetails} bean (what {@code @ServiceConnection} registers) while
 * {@code spring.datasource.url} points nowhere, and the registry, its migrations and its
 * change listener all follow the connection details.
 */
class NonWebAdopterTest {

	static final TenantId ACME = TenantId.of("acme");

	static final TenantId GLOBEX = TenantId.of("globex");

	AdopterDatabase database;

	ConfigurableApplicationContext app;

	@BeforeEach
	void createDatabase() {
		this.database = AdopterDatabase.create("nonweb");
	}

	@AfterEach
	void stop() {
		if (this.app != null) {
			this.app.close();
		}
		this.database.close();
	}

	SpringApplicationBuilder application(Class<?>... more) {
		List<Class<?>> sources = new ArrayList<>(List.of(NonWebAdopterApplication.class));
		sources.addAll(List.of(more));
		return new SpringApplicationBuilder(sources.toArray(Class<?>[]::new))
			.properties("spring.main.web-application-type=none")
			.properties(this.database.properties("classpath:dev/tenancy/adopters/nonweb/db", "jobs")
				.toArray(String[]::new));
	}

	@Test
	void tenantsFromPropertiesServeANonWebApplication() {
		this.app = application()
			.properties("tenancy.tenants.acme.display-name=Acme", "tenancy.tenants.globex.display-name=Globex",
					"tenancy.tenants.initech.display-name=Initech", "tenancy.tenants.initech.status=suspended")
			.run();
		assertThat(this.app.getBean(TenantRegistry.class)).isInstanceOf(InMemoryTenantRegistry.class);
		TenantJobs jobs = this.app.getBean(TenantJobs.class);
		assertThat(jobs.runForEveryTenant("nightly")).isEqualTo(2);
		TenantJobs.Runs runs = this.app.getBean(TenantJobs.Runs.class);
		assertThat(TenantContext.supply(ACME, runs::tenantsOfRuns)).containsExactly("acme");
		assertThat(TenantContext.supply(GLOBEX, runs::tenantsOfRuns)).containsExactly("globex");
		assertThat(runs.tenantsOfRuns()).isEmpty();
	}

	@Test
	void postgresRegistryFollowsConnectionDetailsMigratesAsTheOwnerAndListens() throws Exception {
		this.app = application(ConnectionDetailsConfiguration.class)
			.properties("adopter.url=" + this.database.url(), "adopter.app=" + this.database.app(),
					"adopter.password=" + this.database.password(),
					"spring.datasource.url=jdbc:postgresql://127.0.0.1:1/nowhere", "spring.datasource.username=nobody",
					"spring.datasource.password=wrong", "tenancy.registry.source=jdbc")
			.run();

		// The registry's tables belong to the owner role; the app role got exactly its
		// grants.
		assertThat(superuserStrings("select distinct tableowner from pg_tables where schemaname = 'tenancy'"))
			.containsExactly(this.database.owner());
		assertThat(superuserStrings("select privilege_type from information_schema.role_table_grants where grantee = '"
				+ this.database.app() + "' and table_schema = 'tenancy' and table_name = 'tenant_audit' order by 1"))
			.containsExactly("INSERT", "SELECT");
		assertThat(superuserStrings("select privilege_type from information_schema.role_table_grants where grantee = '"
				+ this.database.app() + "' and table_schema = 'tenancy' and table_name = 'tenant' order by 1"))
			.containsExactly("INSERT", "SELECT", "UPDATE");

		TenantAdministration administration = this.app.getBean(TenantAdministration.class);
		TenantChange change = new TenantChange("adopter-test", null);
		administration.create(ACME, "Acme", TenantConfig.empty(), change);
		administration.create(GLOBEX, "Globex", TenantConfig.empty(), change);
		TenantJobs jobs = this.app.getBean(TenantJobs.class);
		assertThat(jobs.runForEveryTenant("nightly")).isEqualTo(2);
		TenantJobs.Runs runs = this.app.getBean(TenantJobs.Runs.class);
		assertThat(TenantContext.supply(ACME, runs::tenantsOfRuns)).containsExactly("acme");
		assertThat(TenantContext.supply(GLOBEX, runs::tenantsOfRuns)).containsExactly("globex");

		// The listener's own connection went where the connection details say, as the app
		// role.
		PostgresChangeListener listener = this.app.getBean(PostgresChangeListener.class);
		assertThat(listener.awaitListening(Duration.ofSeconds(10))).isTrue();
		assertThat(superuserStrings("select usename from pg_stat_activity where application_name = "
				+ "'tenancy-registry-listener' and datname = '" + this.database.scratch().name() + "'"))
			.containsExactly(this.database.app());

		// Another instance suspends globex: this one hears of it through NOTIFY.
		TenantRegistry registry = this.app.getBean(TenantRegistry.class);
		assertThat(registry.find(GLOBEX)).get().extracting((tenant) -> tenant.status()).isEqualTo(TenantStatus.ACTIVE);
		org.postgresql.ds.PGSimpleDataSource other = new org.postgresql.ds.PGSimpleDataSource();
		other.setURL(Databases.asUser(this.database.url(), this.database.app(), this.database.password()));
		new JdbcTenantRegistry(other, "tenancy", (event) -> {
		}).changeStatus(GLOBEX, TenantStatus.SUSPENDED, null, change);
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (registry.find(GLOBEX).get().status() != TenantStatus.SUSPENDED && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		assertThat(registry.find(GLOBEX).get().status()).isEqualTo(TenantStatus.SUSPENDED);
		assertThat(jobs.runForEveryTenant("weekly")).isOne();

		assertThat(((ConfigurableTransactionManager) this.app.getBean(PlatformTransactionManager.class))
			.getTransactionExecutionListeners()).hasSize(1);
	}

	List<String> superuserStrings(String sql) throws SQLException {
		List<String> values = new ArrayList<>();
		try (Connection connection = DriverManager.getConnection(this.database.superuserUrl());
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			while (result.next()) {
				values.add(result.getString(1));
			}
		}
		return values;
	}

	/**
	 * What {@code @ServiceConnection} on a PostgreSQL container registers: the database's
	 * location and the application's credentials, taking precedence over
	 * {@code spring.datasource.*}.
	 */
	@Configuration(proxyBeanMethods = false)
	static class ConnectionDetailsConfiguration {

		@Bean
		JdbcConnectionDetails jdbcConnectionDetails(org.springframework.core.env.Environment environment) {
			String url = environment.getRequiredProperty("adopter.url");
			String user = environment.getRequiredProperty("adopter.app");
			String password = environment.getRequiredProperty("adopter.password");
			return new JdbcConnectionDetails() {

				@Override
				public String getUsername() {
					return user;
				}

				@Override
				public String getPassword() {
					return password;
				}

				@Override
				public String getJdbcUrl() {
					return url;
				}

			};
		}

	}

}
