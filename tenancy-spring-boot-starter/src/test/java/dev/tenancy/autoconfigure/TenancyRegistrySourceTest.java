package dev.tenancy.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.tenancy.TenantId;
import dev.tenancy.registry.CachingTenantRegistry;
import dev.tenancy.registry.InMemoryTenantRegistry;
import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.registry.TenantSecrets;
import dev.tenancy.registry.jdbc.JdbcTenantSecrets;
import dev.tenancy.registry.file.YamlTenantSource;
import dev.tenancy.test.TestServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@code tenancy.registry.source} selects a registry in a non-web application, and
 * every way a registry configuration that cannot work fails start-up with a message
 * saying what to do rather than quietly serving another registry.
 */
@ExtendWith(OutputCaptureExtension.class)
class TenancyRegistrySourceTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TenancyRegistryAutoConfiguration.class));

	@Test
	void propertiesRegistryServesTenancyTenantsInANonWebApplication() {
		this.runner.withPropertyValues("tenancy.tenants.acme.display-name=Acme Travel").run((context) -> {
			assertThat(context).hasSingleBean(TenantRegistry.class);
			assertThat(context.getBean(TenantRegistry.class)).isInstanceOf(InMemoryTenantRegistry.class);
			assertThat(context.getBean(TenantRegistry.class).find(TenantId.of("acme"))).get()
				.extracting((tenant) -> tenant.displayName())
				.isEqualTo("Acme Travel");
		});
	}

	@Test
	void anApplicationsOwnRegistryReplacesThePropertiesOne() {
		InMemoryTenantRegistry own = new InMemoryTenantRegistry(java.util.List.of());
		this.runner.withBean(TenantRegistry.class, () -> own)
			.withPropertyValues("tenancy.tenants.acme.display-name=Acme Travel")
			.run((context) -> assertThat(context.getBean(TenantRegistry.class)).isSameAs(own));
	}

	@Test
	void sourceBindsLikeAnyBootEnumWhateverItsCase(@TempDir Path dir) throws Exception {
		Files.writeString(dir.resolve("acme.yaml"), "displayName: Acme Travel\n");
		for (String value : new String[] { "files", "FILES", "Files" }) {
			this.runner
				.withPropertyValues("tenancy.registry.source=" + value, "tenancy.registry.files.directory=" + dir)
				.run((context) -> assertThat(context.getBean(TenantRegistry.class)).as(value)
					.isInstanceOf(YamlTenantSource.class));
		}
		for (String value : new String[] { "config-server", "CONFIG_SERVER", "Config_Server", "configServer" }) {
			this.runner
				.withPropertyValues("tenancy.registry.source=" + value,
						"tenancy.registry.config-server.url=http://127.0.0.1:9")
				.run((context) -> assertThat(context.getBean(TenantRegistry.class)).as(value)
					.isInstanceOf(CachingTenantRegistry.class));
		}
	}

	@Test
	void anInvalidSourceFailsListingTheValidValues() {
		this.runner.withPropertyValues("tenancy.registry.source=database").run((context) -> {
			FailureAnalysis analysis = StartupFailures.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("tenancy.registry.source").contains("database");
			assertThat(analysis.getAction()).contains("PROPERTIES", "JDBC", "FILES", "CONFIG_SERVER");
		});
	}

	@Test
	void tenantsInPropertiesWithAnotherSourceAreIgnoredWithOneWarning(@TempDir Path dir, CapturedOutput output)
			throws Exception {
		Files.writeString(dir.resolve("acme.yaml"), "displayName: Acme Travel\n");
		this.runner
			.withPropertyValues("tenancy.registry.source=files", "tenancy.registry.files.directory=" + dir,
					"tenancy.tenants.globex.display-name=Globex")
			.run((context) -> {
				assertThat(context.getBean(TenantRegistry.class).find(TenantId.of("globex"))).isEmpty();
				assertThat(context.getBean(TenantRegistry.class).find(TenantId.of("acme"))).isPresent();
			});
		assertThat(output).containsOnlyOnce(
				"tenancy.tenants.* declares 1 tenant(s) but tenancy.registry.source is " + "'files': they are ignored");
	}

	@Test
	void anInvalidTenantFileFailsStartUpNamingTheFileAndTheProblem(@TempDir Path dir) throws Exception {
		Files.writeString(dir.resolve("acme.yaml"), "displayName: Acme Travel\n");
		Files.writeString(dir.resolve("globex.yaml"), "displayName: Globex\nplann: gold\n");
		this.runner.withPropertyValues("tenancy.registry.source=files", "tenancy.registry.files.directory=" + dir)
			.run((context) -> {
				FailureAnalysis analysis = StartupFailures.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("globex.yaml", "plann").doesNotContain("acme.yaml");
				assertThat(analysis.getAction()).contains("Correct or remove");
			});
	}

	@Test
	void aMissingFilesDirectoryFailsStartUp(@TempDir Path dir) {
		this.runner
			.withPropertyValues("tenancy.registry.source=files",
					"tenancy.registry.files.directory=" + dir.resolve("missing"))
			.run((context) -> assertThat(StartupFailures.analyze(context.getStartupFailure()).getDescription())
				.contains("tenancy.registry.files.directory", "missing"));
		this.runner.withPropertyValues("tenancy.registry.source=files")
			.run((context) -> assertThat(StartupFailures.analyze(context.getStartupFailure()).getAction())
				.contains("Set tenancy.registry.files.directory"));
	}

	@Test
	void jdbcSourceWithoutFlywayFailsSayingWhatToAddUnlessMigrationIsOff() {
		ApplicationContextRunner withoutFlyway = this.runner
			.withBean(DataSource.class, TenancyRegistrySourceTest::dataSource)
			.withClassLoader(new FilteredClassLoader("org.flywaydb", "org.springframework.boot.flyway"))
			.withPropertyValues("tenancy.registry.source=jdbc", "tenancy.registry.jdbc.listen=false");
		withoutFlyway.run((context) -> {
			FailureAnalysis analysis = StartupFailures.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Flyway is not on the classpath");
			assertThat(analysis.getAction()).contains("spring-boot-starter-flyway",
					"tenancy.registry.jdbc.migrate=false");
		});
		withoutFlyway.withPropertyValues("tenancy.registry.jdbc.migrate=false")
			.run((context) -> assertThat(context.getBean(TenantRegistry.class))
				.isInstanceOf(CachingTenantRegistry.class));
	}

	@Test
	void jdbcSourceWithFlywayDisabledFailsRatherThanMigratingAsTheApplicationRole() {
		this.runner.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
			.withBean(DataSource.class, TenancyRegistrySourceTest::dataSource)
			.withPropertyValues("tenancy.registry.source=jdbc", "spring.flyway.enabled=false")
			.run((context) -> assertThat(StartupFailures.analyze(context.getStartupFailure()).getAction())
				.contains("spring.flyway.user", "tenancy.registry.jdbc.migrate=false"));
	}

	@Test
	void jdbcSourceWithoutADataSourceFails() {
		this.runner.withPropertyValues("tenancy.registry.source=jdbc")
			.run((context) -> assertThat(StartupFailures.analyze(context.getStartupFailure()).getDescription())
				.contains("no (single) DataSource"));
	}

	@Test
	void jdbcSourceOffersTenantSecretsThatAreOffWithoutAKey() {
		ApplicationContextRunner jdbc = this.runner.withBean(DataSource.class, TenancyRegistrySourceTest::dataSource)
			.withPropertyValues("tenancy.registry.source=jdbc", "tenancy.registry.jdbc.migrate=false",
					"tenancy.registry.jdbc.listen=false");
		jdbc.run((context) -> {
			assertThat(context).hasSingleBean(TenantSecrets.class);
			assertThat(context.getBean(JdbcTenantSecrets.class).isEnabled()).isFalse();
		});
		String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
		jdbc.withPropertyValues("tenancy.registry.secrets.key=" + key)
			.run((context) -> assertThat(context.getBean(JdbcTenantSecrets.class).isEnabled()).isTrue());
	}

	@Test
	void aMalformedSecretsKeyFailsStartUpWithoutEchoingIt() {
		String shortKey = java.util.Base64.getEncoder().encodeToString("only-sixteen-byt".getBytes());
		this.runner.withBean(DataSource.class, TenancyRegistrySourceTest::dataSource)
			.withPropertyValues("tenancy.registry.source=jdbc", "tenancy.registry.jdbc.migrate=false",
					"tenancy.registry.jdbc.listen=false", "tenancy.registry.secrets.key=" + shortKey)
			.run((context) -> {
				FailureAnalysis analysis = StartupFailures.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("tenancy.registry.secrets", "32 bytes")
					.doesNotContain(shortKey);
				assertThat(analysis.getAction()).contains("openssl rand -base64 32");
			});
	}

	@Test
	void twoPropertyTenantsClaimingOneEmailDomainFailStartUp() {
		this.runner
			.withPropertyValues("tenancy.tenants.acme.config.email-domains=shared.example",
					"tenancy.tenants.globex.config.email-domains=globex.example,shared.example")
			.run((context) -> {
				FailureAnalysis analysis = StartupFailures.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("shared.example", "'acme'");
				assertThat(analysis.getAction()).contains("one tenant only");
			});
	}

	private static DataSource dataSource() {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(TestServices.postgres().jdbcUrl());
		return dataSource;
	}

}
