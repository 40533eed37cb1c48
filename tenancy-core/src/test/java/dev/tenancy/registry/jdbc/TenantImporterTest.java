package dev.tenancy.registry.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.jdbc.TenantImportReport.Outcome;
import dev.tenancy.test.TestServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The YAML importer against a real PostgreSQL registry: all or nothing, idempotent, dry
 * run.
 */
class TenantImporterTest {

	private static final int TENANTS = 64;

	private static PGSimpleDataSource dataSource;

	private static JdbcClient jdbc;

	private String schema;

	private JdbcTenantRegistry registry;

	private TenantImporter importer;

	@TempDir
	Path dir;

	@BeforeAll
	static void database() {
		dataSource = new PGSimpleDataSource();
		dataSource.setUrl(TestServices.postgres().jdbcUrl());
		jdbc = JdbcClient.create(dataSource);
	}

	@BeforeEach
	void freshRegistry() throws IOException {
		this.schema = "import_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		RegistryMigrations.migrate(dataSource, this.schema);
		this.registry = new JdbcTenantRegistry(dataSource, this.schema, null);
		this.importer = new TenantImporter(this.registry);
		for (int i = 0; i < TENANTS; i++) {
			Files.writeString(this.dir.resolve("agency-" + i + ".yaml"), agency(i, "standard"));
		}
	}

	@Test
	void importsEveryFileThenFindsThemUnchangedAndWritesNothing() throws IOException {
		TenantImportReport first = this.importer.importDirectory(this.dir, false, "importer");
		assertThat(first.count(Outcome.NEW)).isEqualTo(TENANTS);
		assertThat(first.written()).isTrue();
		assertThat(tenantRows()).isEqualTo(TENANTS);
		assertThat(auditRows()).isEqualTo(TENANTS);
		assertThat(this.registry.find(TenantId.of("agency-7")).orElseThrow().displayName()).isEqualTo("Agency 7");

		TenantImportReport second = this.importer.importDirectory(this.dir, false, "importer");
		assertThat(second.count(Outcome.UNCHANGED)).isEqualTo(TENANTS);
		assertThat(second.written()).isFalse();
		assertThat(auditRows()).isEqualTo(TENANTS);
		assertThat(versions()).isZero();
	}

	@Test
	void oneInvalidFileMeansNothingIsWrittenAndTheReportSaysWhy() throws IOException {
		Files.writeString(this.dir.resolve("broken-agency.yaml"),
				"displayName: Broken\nconfig:\n  rateLimit: { limit: 10, window: PT1M, colour: red }\n");
		TenantImportReport report = this.importer.importDirectory(this.dir, false, "importer");
		assertThat(report.hasInvalid()).isTrue();
		assertThat(report.written()).isFalse();
		assertThat(report.entries()).filteredOn((entry) -> entry.outcome() == Outcome.INVALID)
			.singleElement()
			.satisfies((entry) -> {
				assertThat(entry.file()).isEqualTo("broken-agency.yaml");
				assertThat(entry.details()).singleElement().asString().contains("rateLimit.colour");
			});
		assertThat(report.describe()).contains("broken-agency.yaml").contains("nothing written");
		assertThat(tenantRows()).isZero();
		assertThat(auditRows()).isZero();
	}

	@Test
	void dryRunReportsButWritesNothing() throws IOException {
		TenantImportReport report = this.importer.importDirectory(this.dir, true, "importer");
		assertThat(report.count(Outcome.NEW)).isEqualTo(TENANTS);
		assertThat(report.written()).isFalse();
		assertThat(report.dryRun()).isTrue();
		assertThat(tenantRows()).isZero();
	}

	@Test
	void aChangedFileIsReportedWithItsDifferenceAndOnlyItIsWritten() throws IOException {
		this.importer.importDirectory(this.dir, false, "importer");
		Files.writeString(this.dir.resolve("agency-3.yaml"), agency(3, "premium"));
		TenantImportReport dry = this.importer.importDirectory(this.dir, true, "importer");
		assertThat(dry.entries()).filteredOn((entry) -> entry.outcome() == Outcome.CHANGED)
			.singleElement()
			.satisfies(
					(entry) -> assertThat(entry.details()).containsExactly("config.plan: \"standard\" -> \"premium\""));
		assertThat(this.registry.find(TenantId.of("agency-3")).orElseThrow().config().plan()).isEqualTo("standard");

		TenantImportReport real = this.importer.importDirectory(this.dir, false, "importer");
		assertThat(real.count(Outcome.CHANGED)).isEqualTo(1);
		assertThat(real.count(Outcome.UNCHANGED)).isEqualTo(TENANTS - 1);
		var tenant = this.registry.find(TenantId.of("agency-3")).orElseThrow();
		assertThat(tenant.config().plan()).isEqualTo("premium");
		assertThat(tenant.version()).isEqualTo(1);
		assertThat(this.registry.audit(tenant.id())).extracting("action").containsExactly("imported", "imported");
	}

	@Test
	void aTenantDeletedInTheRegistryIsNotResurrected() throws IOException {
		this.importer.importDirectory(this.dir, false, "importer");
		this.registry.changeStatus(TenantId.of("agency-5"), TenantStatus.DELETED, null, new TenantChange("ops", null));
		TenantImportReport report = this.importer.importDirectory(this.dir, false, "importer");
		assertThat(report.written()).isFalse();
		assertThat(report.entries()).filteredOn((entry) -> entry.outcome() == Outcome.INVALID)
			.singleElement()
			.satisfies((entry) -> assertThat(entry.details()).singleElement().asString().contains("deleted"));
		assertThat(this.registry.find(TenantId.of("agency-5")).orElseThrow().status()).isEqualTo(TenantStatus.DELETED);
	}

	private long tenantRows() {
		return jdbc.sql("select count(*) from " + this.schema + ".tenant").query(Long.class).single();
	}

	private long auditRows() {
		return jdbc.sql("select count(*) from " + this.schema + ".tenant_audit").query(Long.class).single();
	}

	private long versions() {
		return jdbc.sql("select coalesce(sum(version), 0) from " + this.schema + ".tenant").query(Long.class).single();
	}

	private static String agency(int i, String plan) {
		return """
				displayName: "Agency %d"
				config:
				  plan: %s
				  rateLimit: { limit: 1000, window: PT1M, burst: 1000, perUser: { limit: 100, window: PT1M } }
				  features: [trips]
				  emailDomains: [agency-%d.example]
				  locale: en-GB
				""".formatted(i, plan, i);
	}

}
