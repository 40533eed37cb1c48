package dev.tenancy.registry.jdbc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.tenancy.TenantId;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.file.YamlTenantSource;
import dev.tenancy.registry.jdbc.TenantImportReport.Outcome;
import dev.tenancy.test.Databases;
import dev.tenancy.test.TestServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile tenant files: a NUL, a control character, a bidi override or a zero-width
 * character in any text, or a reserved id, makes the file INVALID (so the import command
 * exits 1, "invalid", rather than failing in the database), nothing is written, and the
 * report names the field without repeating the value or letting a control sequence reach
 * the terminal. The tenant-file registry leaves such files out.
 */
class TenantImporterInputTest {

	static HikariDataSource dataSource;

	static String schema;

	JdbcTenantRegistry registry;

	TenantImporter importer;

	@TempDir
	Path dir;

	@BeforeAll
	static void database() {
		schema = Databases.uniqueName("import_input");
		dataSource = Databases.hikari(TestServices.postgres().jdbcUrl(), 2, "import-input-test");
		RegistryMigrations.migrate(dataSource, schema);
	}

	@AfterAll
	static void close() {
		dataSource.close();
	}

	@BeforeEach
	void importer() throws IOException {
		this.registry = new JdbcTenantRegistry(dataSource, schema, null);
		this.importer = new TenantImporter(this.registry);
		Files.writeString(this.dir.resolve("fine-agency.yaml"), "displayName: Fine Agency\nconfig: { plan: basic }\n");
	}

	static Stream<Arguments> hostileFiles() {
		return Stream.of(
				// YAML escapes in double-quoted strings: backslash-0 is NUL, backslash-e
				// is ESC, and so on
				Arguments.of("displayName: \"Nul\\0Agency\"\n", "displayName"),
				Arguments.of("displayName: Agency\nconfig:\n  plan: \"std\\0\"\n", "config.plan"),
				Arguments.of("displayName: Agency\nconfig:\n  features: [trips, \"help\\0desk\"]\n",
						"config.features[1]"),
				Arguments.of("displayName: Agency\nconfig:\n  attributes: { \"k\\0\": v }\n", "config.attributes"),
				Arguments.of("displayName: Agency\nconfig:\n  attributes: { tagline: \"v\\0\" }\n",
						"config.attributes.tagline"),
				Arguments.of("displayName: \"\\e[31mRed\\e[0m\"\n", "displayName"),
				Arguments.of("displayName: \"C1 \\x9b2J\"\n", "displayName"),
				Arguments.of("displayName: \"Del \\x7f\"\n", "displayName"),
				Arguments.of("displayName: Agency\nconfig:\n  plan: \"evil\\u202Egnp\"\n", "config.plan"),
				Arguments.of("displayName: \"isolate \\u2066x\\u2069\"\n", "displayName"),
				Arguments
					.of("displayName: Agency\nconfig:\n  features: [\"zero\\u200Bwidth\"]\n", "config.features[0]"),
				Arguments.of("displayName: \"bom \\uFEFF\"\n", "displayName"),
				Arguments.of(
						"displayName: Agency\nconfig:\n  rateLimit: { limit: 10, window: PT1M, costs: { \"h\\u200D\": 1 } }\n",
						"config.rateLimit.costs"),
				// the same characters raw in the file (UTF-8)
				Arguments.of("displayName: Agency\nconfig:\n  plan: evil\u202Egnp\n", "config.plan"),
				Arguments.of("displayName: zero\u200Bwidth\n", "displayName"),
				Arguments.of("displayName: Agency\nconfig:\n  attributes: { tagline: \"a\u2067b\" }\n",
						"config.attributes.tagline"));
	}

	@ParameterizedTest
	@MethodSource("hostileFiles")
	void aForbiddenCharacterMakesTheFileInvalidAndNothingIsWritten(String yaml, String field) throws IOException {
		Files.writeString(this.dir.resolve("hostile-agency.yaml"), yaml, StandardCharsets.UTF_8);

		TenantImportReport report = this.importer.importDirectory(this.dir, false, "importer");

		assertThat(report.hasInvalid()).isTrue();
		assertThat(report.written()).isFalse();
		assertThat(report.entries()).filteredOn((entry) -> entry.outcome() == Outcome.INVALID)
			.singleElement()
			.satisfies((entry) -> assertThat(entry.details()).singleElement()
				.asString()
				.startsWith(field + ": must not contain"));
		assertThat(this.registry.find(TenantId.of("hostile-agency"))).isEmpty();
		assertThat(this.registry.find(TenantId.of("fine-agency"))).isEmpty();
		assertNoControlCharacters(report.describe());
		assertThat(new YamlTenantSource(this.dir).find(TenantId.of("hostile-agency"))).isEmpty();
	}

	@Test
	void rawControlBytesInAFileMakeItInvalid() throws IOException {
		byte[] content = "displayName: Nul\u0000Agency\n".getBytes(StandardCharsets.UTF_8);
		Files.write(this.dir.resolve("raw-nul.yaml"), content);
		Files.write(this.dir.resolve("raw-esc.yaml"),
				"displayName: \u001b[2JAgency\n".getBytes(StandardCharsets.UTF_8));

		TenantImportReport report = this.importer.importDirectory(this.dir, false, "importer");

		assertThat(report.count(Outcome.INVALID)).isEqualTo(2);
		assertThat(report.written()).isFalse();
		assertNoControlCharacters(report.describe());
	}

	@Test
	void aReservedIdMakesTheFileInvalid() throws IOException {
		for (String id : List.of("admin", "changes", "www", "null", "xn--p1ai")) {
			Files.writeString(this.dir.resolve(id + ".yaml"), "displayName: Reserved\n");
		}

		TenantImportReport report = this.importer.importDirectory(this.dir, false, "importer");

		assertThat(report.count(Outcome.INVALID)).isEqualTo(5);
		assertThat(report.entries()).filteredOn((entry) -> entry.outcome() == Outcome.INVALID)
			.allSatisfy(
					(entry) -> assertThat(entry.details()).singleElement().asString().startsWith("id: is reserved"));
		assertThat(report.written()).isFalse();
		assertThat(this.registry.find(TenantId.of("admin"))).isEmpty();
		assertThat(new YamlTenantSource(this.dir).findAll()).extracting((tenant) -> tenant.id().value())
			.containsExactly("fine-agency");
	}

	@Test
	void aFileNameWithAControlSequenceDoesNotReachTheTerminal() throws IOException {
		Files.writeString(this.dir.resolve("\u001b[31mred.yaml"), "displayName: Red\n");

		TenantImportReport report = this.importer.importDirectory(this.dir, true, "importer");

		assertThat(report.hasInvalid()).isTrue();
		assertThat(report.describe()).contains("\\u001B[31mred.yaml");
		assertNoControlCharacters(report.describe());
	}

	@Test
	void theImportingUserIsStoredEscapedAsTheActor() throws IOException {
		Path own = Files.createDirectory(this.dir.resolve("actor"));
		String id = "actor-" + java.util.UUID.randomUUID().toString().substring(0, 8);
		Files.writeString(own.resolve(id + ".yaml"), "displayName: Actor Agency\n");

		TenantImportReport report = this.importer.importDirectory(own, false,
				"import-tenants (\u001b[2Jmallory\u0000)");

		assertThat(report.written()).isTrue();
		assertThat(this.registry.audit(TenantId.of(id))).singleElement()
			.satisfies((entry) -> assertThat(entry.actor()).isEqualTo("import-tenants (\\u001B[2Jmallory\\u0000)"));
	}

	@Test
	void theActorOfAnyChangeIsEscaped() {
		assertThat(new TenantChange("\u009b\u202e\ud800x", null).actor()).isEqualTo("\\u009B\\u202E\\uD800x");
	}

	private static void assertNoControlCharacters(String text) {
		// line breaks end the report's lines; nothing else below U+0020, no C1, no bidi,
		// no zero-width
		assertThat(text.replace(System.lineSeparator(), "").chars()).as(text)
			.noneMatch((c) -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x200b && c <= 0x200f)
					|| (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0xfeff);
	}

}
