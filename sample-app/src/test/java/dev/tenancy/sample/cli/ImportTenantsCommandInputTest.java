package dev.tenancy.sample.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.tenancy.sample.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code import-tenants} on a directory with one hostile file: a NUL, a bidi override, a
 * zero-width character or an ANSI escape in a text, or a reserved id. It used to exit 3
 * ("cannot run", the database refused the NUL); it must exit 1 ("invalid"), write
 * nothing, name the field and print no control character.
 */
class ImportTenantsCommandInputTest {

	@TempDir
	Path directory;

	String schema;

	@BeforeEach
	void oneGoodFile() throws IOException, URISyntaxException {
		Path acme = Path.of(ImportTenantsCommandInputTest.class.getResource("/tenants/acme.yaml").toURI());
		Files.copy(acme, this.directory.resolve("acme.yaml"));
		this.schema = "cli_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', quoteCharacter = '~', value = {
			// YAML escapes in a double-quoted string: NUL and ESC
			"NUL in displayName | nul-agency.yaml | ~displayName: \"Nul\\0Agency\"~ | displayName",
			"ANSI in displayName | ansi-agency.yaml | ~displayName: \"\\e[2J\\e[31mRed\"~ | displayName",
			"bidi override in plan | bidi-agency.yaml | ~displayName: Bidi\\nconfig: { plan: \"evil\\u202Egnp\" }~ | plan",
			"zero-width in a feature | zw-agency.yaml | ~displayName: Zw\\nconfig: { features: [\"tr\\u200Bips\"] }~ | features[0]",
			"reserved id | changes.yaml | ~displayName: Changes Travel~ | id" })
	void aHostileFileExitsWith1AndWritesNothing(String kind, String file, String yaml, String field)
			throws IOException, SQLException {
		Files.writeString(this.directory.resolve(file), yaml.replace("\\n", "\n"), StandardCharsets.UTF_8);

		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		List<String> args = new ArrayList<>(List.of(this.directory.toString()));
		args.addAll(List.of(TestDatabase.args("tenancy.registry.jdbc.schema=" + this.schema)));
		int exitCode = ImportTenantsCommand.run(args.toArray(String[]::new),
				new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		String report = out.toString(StandardCharsets.UTF_8);

		assertThat(exitCode).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(ImportTenantsCommand.INVALID_FILES);
		assertThat(report).contains("INVALID   " + file, field + ": ")
			.contains("1 new, 0 changed, 0 unchanged, 1 invalid; nothing written because of invalid files");
		assertThat(report.replace(System.lineSeparator(), "").chars()).as(report)
			.noneMatch((c) -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x202e || c == 0x200b);
		assertThat(count()).isZero();
	}

	private long count() throws SQLException {
		try (Connection connection = TestDatabase.connectAsOwner();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("select count(*) from " + this.schema + ".tenant")) {
			rs.next();
			return rs.getLong(1);
		}
	}

}
