package dev.tenancy.adopters.nonweb;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.tenancy.adopters.AdopterDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Registry configurations that cannot work stop the application with Spring Boot's
 * "APPLICATION FAILED TO START" report, saying what is wrong and what to do, instead of
 * serving another (or an empty) registry.
 */
@ExtendWith(OutputCaptureExtension.class)
class NonWebStartupFailureTest {

	static AdopterDatabase database;

	@BeforeAll
	static void createDatabase() {
		database = AdopterDatabase.create("nonwebfail");
	}

	@AfterAll
	static void dropDatabase() {
		if (database != null) {
			database.close();
		}
	}

	static void start(String... properties) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(NonWebAdopterApplication.class)
			.properties("spring.main.web-application-type=none")
			.properties(database.properties("classpath:dev/tenancy/adopters/nonweb/db", "jobs").toArray(String[]::new))
			.properties(properties)
			.run()
			.close());
	}

	@Test
	void aMisspelledRegistrySourceListsTheValidValues(CapturedOutput output) {
		start("tenancy.registry.source=config-servr");
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("tenancy.registry.source")
			.contains("config-servr")
			.contains("CONFIG_SERVER");
	}

	@Test
	void theJdbcRegistryWithoutBootsFlywayRefusesToMigrateAsTheApplicationRole(CapturedOutput output) {
		start("tenancy.registry.source=jdbc", "spring.flyway.enabled=false");
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("tenancy.registry.jdbc.migrate is true but Spring Boot's Flyway is not configured")
			.contains("or set tenancy.registry.jdbc.migrate=false");
	}

	@Test
	void anInvalidTenantFileIsAStartUpFailureNotA403(@TempDir Path dir, CapturedOutput output) throws Exception {
		Files.writeString(dir.resolve("acme.yaml"), "displayName: Acme\nconfig:\n  plann: gold\n");
		start("tenancy.registry.source=files", "tenancy.registry.files.directory=" + dir);
		assertThat(output).contains("APPLICATION FAILED TO START").contains("acme.yaml").contains("plann");
	}

}
