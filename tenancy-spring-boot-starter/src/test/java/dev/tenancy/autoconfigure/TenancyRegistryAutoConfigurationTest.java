package dev.tenancy.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.context.TenantContext;
import dev.tenancy.jdbc.TenantTransactionListener;
import dev.tenancy.registry.CachingTenantRegistry;
import dev.tenancy.registry.InMemoryTenantRegistry;
import dev.tenancy.registry.TenantAdministration;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.registry.file.YamlTenantSource;
import dev.tenancy.registry.jdbc.PostgresChangeListener;
import dev.tenancy.test.TestServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry sources and the RLS wiring, against a real PostgreSQL.
 */
class TenancyRegistryAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TenancyRegistryAutoConfiguration.class,
				TenancyJdbcAutoConfiguration.class, TenancyHealthContributorAutoConfiguration.class))
		.withUserConfiguration(Database.class);

	@Test
	void propertiesSourceIsTheDefaultAndNeedsNoDatabaseRegistry() {
		this.runner.withPropertyValues("tenancy.jdbc.rls-check=off").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(TenantAdministration.class);
			assertThat(context).doesNotHaveBean(PostgresChangeListener.class);
		});
	}

	@Test
	void jdbcSourceMigratesCachesAndListens() {
		String schema = "reg_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		this.runner.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
			.withPropertyValues("tenancy.registry.source=jdbc", "tenancy.registry.jdbc.schema=" + schema,
					"spring.flyway.schemas=app_" + schema, "tenancy.jdbc.rls-check=warn")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TenantRegistry registry = context.getBean(TenantRegistry.class);
				assertThat(registry).isInstanceOf(CachingTenantRegistry.class);
				TenantAdministration administration = context.getBean(TenantAdministration.class);
				TenantId acme = TenantId.of("acme");
				assertThat(registry.find(acme)).isEmpty();
				administration.create(acme, "Acme Travel", TenantConfig.empty(), new TenantChange("test", null));
				// The local cache is invalidated by the change event right away, not only
				// by NOTIFY.
				assertThat(registry.find(acme)).isPresent();
				PostgresChangeListener listener = context.getBean(PostgresChangeListener.class);
				assertThat(listener.awaitListening(Duration.ofSeconds(5))).isTrue();
				Health health = context.getBean(TenantRegistryHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("tenants", 1L)
					.containsEntry("changeListener", "listening");
			});
	}

	@Test
	void filesSourceServesTheDirectory(@TempDir Path dir) throws Exception {
		Files.writeString(dir.resolve("acme.yaml"), "displayName: Acme Travel\n");
		this.runner
			.withPropertyValues("tenancy.registry.source=files", "tenancy.registry.files.directory=" + dir,
					"tenancy.jdbc.rls-check=off")
			.run((context) -> {
				assertThat(context).hasSingleBean(YamlTenantSource.class);
				assertThat(context.getBean(TenantRegistry.class).find(TenantId.of("acme"))).isPresent();
			});
	}

	@Test
	void filesSourceWithoutDirectoryFailsNamingTheProperty() {
		this.runner.withPropertyValues("tenancy.registry.source=files", "tenancy.jdbc.rls-check=off")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("tenancy.registry.files.directory"));
	}

	@Test
	void bootsTransactionManagerSetsTheTenantAndIsNotReplaced() {
		this.runner.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class))
			.withPropertyValues("tenancy.jdbc.rls-check=off")
			.run((context) -> {
				assertThat(context).hasSingleBean(PlatformTransactionManager.class);
				PlatformTransactionManager manager = context.getBean(PlatformTransactionManager.class);
				assertThat(manager).isExactlyInstanceOf(JdbcTransactionManager.class);
				assertThat(((JdbcTransactionManager) manager).getTransactionExecutionListeners()).singleElement()
					.isInstanceOf(TenantTransactionListener.class);
				assertThat(settingInTransaction(manager, context.getBean(DataSource.class), "acme")).isEqualTo("acme");
				assertThat(settingInTransaction(manager, context.getBean(DataSource.class), null)).isEmpty();
			});
	}

	@Test
	void theApplicationsOwnTransactionManagerGetsTheTenantToo() {
		this.runner.withPropertyValues("tenancy.jdbc.rls-check=off", "tenancy.jdbc.setting=myapp.tenant")
			.withBean("transactionManager", DataSourceTransactionManager.class,
					() -> new DataSourceTransactionManager(new Database().dataSource()))
			.run((context) -> {
				DataSourceTransactionManager manager = context.getBean(DataSourceTransactionManager.class);
				assertThat(manager.getTransactionExecutionListeners()).singleElement()
					.isInstanceOf(TenantTransactionListener.class);
				JdbcClient jdbc = JdbcClient.create(manager.getDataSource());
				String setting = TenantContext.supply(TenantId.of("globex"),
						() -> new TransactionTemplate(manager)
							.execute((status) -> jdbc.sql("select current_setting('myapp.tenant', true)")
								.query(String.class)
								.single()));
				assertThat(setting).isEqualTo("globex");
			});
	}

	@Test
	void disabledLeavesTransactionManagersAlone() {
		this.runner.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class))
			.withPropertyValues("tenancy.jdbc.enabled=false")
			.run((context) -> assertThat(
					context.getBean(JdbcTransactionManager.class).getTransactionExecutionListeners())
				.isEmpty());
	}

	@Test
	void anInvalidSettingNameFailsStartUp() {
		this.runner.withPropertyValues("tenancy.jdbc.setting=tenant")
			.run((context) -> assertThat(StartupFailures.analyze(context.getStartupFailure()).getDescription())
				.contains("tenancy.jdbc.setting 'tenant'"));
	}

	private static String settingInTransaction(PlatformTransactionManager manager, DataSource dataSource,
			String tenant) {
		JdbcClient jdbc = JdbcClient.create(dataSource);
		return TenantContext.supply((tenant != null) ? TenantId.of(tenant) : null,
				() -> new TransactionTemplate(manager)
					.execute((status) -> jdbc.sql("select coalesce(current_setting('app.tenant_id', true), '')")
						.query(String.class)
						.single()));
	}

	@Test
	void rlsCheckRefusesToStartAsASuperuserUnlessToldToWarn() {
		// The test server's user is the superuser postgres: row-level security would not
		// apply.
		this.runner.run((context) -> assertThat(context).getFailure()
			.hasMessageContaining("superuser")
			.hasMessageContaining("tenancy.jdbc.rls-check"));
		this.runner.withPropertyValues("tenancy.jdbc.rls-check=warn")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void userRegistryWinsOverTheJdbcCacheOnlyWhenNoSourceIsSelected() {
		this.runner.withPropertyValues("tenancy.jdbc.rls-check=off")
			.withBean(TenantRegistry.class, () -> new InMemoryTenantRegistry(java.util.List.of()))
			.run((context) -> assertThat(context).hasSingleBean(TenantRegistry.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class Database {

		@Bean
		DataSource dataSource() {
			PGSimpleDataSource dataSource = new PGSimpleDataSource();
			dataSource.setUrl(TestServices.postgres().jdbcUrl());
			return dataSource;
		}

	}

}
