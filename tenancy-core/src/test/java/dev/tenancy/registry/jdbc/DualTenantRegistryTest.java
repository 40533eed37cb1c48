package dev.tenancy.registry.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.file.YamlTenantSource;
import dev.tenancy.test.TestServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dual mode: the database and tenant YAML files side by side, for teams leaving the
 * files.
 */
class DualTenantRegistryTest {

	private static final TenantChange OPS = new TenantChange("ops", null);

	@TempDir
	Path dir;

	private String schema;

	private JdbcTenantRegistry database;

	private DualTenantRegistry dual;

	private JdbcClient jdbc;

	@BeforeEach
	void setUp() throws IOException {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(TestServices.postgres().jdbcUrl());
		this.jdbc = JdbcClient.create(dataSource);
		this.schema = "dual_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		RegistryMigrations.migrate(dataSource, this.schema);
		this.database = new JdbcTenantRegistry(dataSource, this.schema, null);
		Files.writeString(this.dir.resolve("acme.yaml"), "displayName: Acme from file\nconfig: { plan: basic }\n");
		Files.writeString(this.dir.resolve("globex.yaml"), "displayName: Globex from file\n");
		Files.writeString(this.dir.resolve("initech.yaml"), "displayName: Initech from file\n");
		this.dual = new DualTenantRegistry(this.database, new YamlTenantSource(this.dir));
	}

	@Test
	void aTenantWithNoRowComesFromItsFile() {
		assertThat(this.dual.find(TenantId.of("acme"))).map(Tenant::displayName).contains("Acme from file");
	}

	@Test
	void aTenantWhoseRowSaysDbComesFromTheDatabase() {
		this.database.create(TenantId.of("globex"), "Globex from db", TenantConfig.empty(), OPS);
		assertThat(this.dual.find(TenantId.of("globex"))).map(Tenant::displayName).contains("Globex from db");
	}

	@Test
	void aTenantWhoseRowSaysFileComesFromItsFile() {
		this.database.create(TenantId.of("initech"), "Initech from db", TenantConfig.empty(), OPS);
		this.jdbc.sql("update " + this.schema + ".tenant set config_source = 'file' where id = 'initech'").update();
		assertThat(this.dual.find(TenantId.of("initech"))).map(Tenant::displayName).contains("Initech from file");
	}

	@Test
	void aTenantInNeitherIsUnknown() {
		assertThat(this.dual.find(TenantId.of("hooli"))).isEmpty();
	}

	@Test
	void listingMergesBothWithTheDatabaseWinningForDbRows() {
		this.database.create(TenantId.of("globex"), "Globex from db", TenantConfig.empty(), OPS);
		this.database.create(TenantId.of("hooli"), "Hooli from db", TenantConfig.empty(), OPS);
		assertThat(this.dual.findAll()).extracting(Tenant::displayName)
			.containsExactly("Acme from file", "Globex from db", "Hooli from db", "Initech from file");
	}

}
