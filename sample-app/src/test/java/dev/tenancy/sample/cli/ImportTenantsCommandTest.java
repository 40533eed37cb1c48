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
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tenancy.sample.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code import-tenants DIR [--dry-run]} on the 64 tenant files the app ships, run
 * through {@link ImportTenantsCommand#run} exactly as {@code main} runs it (minus
 * {@code System.exit}), against the test database. Each test imports into a registry
 * schema of its own, so each starts from an empty registry.
 */
class ImportTenantsCommandTest {

	static final int SHIPPED = 64;

	@TempDir
	Path directory;

	String schema;

	@BeforeEach
	void copyTheShippedFiles() throws IOException, URISyntaxException {
		Path shipped = Path.of(ImportTenantsCommandTest.class.getResource("/tenants/acme.yaml").toURI()).getParent();
		try (Stream<Path> files = Files.list(shipped)) {
			for (Path file : files.toList()) {
				Files.copy(file, this.directory.resolve(file.getFileName()));
			}
		}
		this.schema = "cli_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
	}

	record Result(int exitCode, String out, String err) {
	}

	Result run(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		List<String> all = new ArrayList<>(List.of(args));
		all.addAll(List.of(TestDatabase.args("tenancy.registry.jdbc.schema=" + this.schema)));
		int exitCode = ImportTenantsCommand.run(all.toArray(String[]::new),
				new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		return new Result(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	@Test
	void firstRunImportsEveryFileAndASecondRunWritesNothing() throws SQLException {
		assertThat(Files.exists(this.directory.resolve("acme.yaml"))).isTrue();

		Result first = run(this.directory.toString());

		assertThat(first.exitCode()).as(first.err()).isZero();
		assertThat(first.out()).contains("NEW       acme.yaml", "NEW       globex.yaml", "NEW       initech.yaml")
			.endsWith(SHIPPED + " new, 0 changed, 0 unchanged, 0 invalid; written" + System.lineSeparator());
		assertThat(count("tenant")).isEqualTo(SHIPPED);
		assertThat(count("tenant_audit")).isEqualTo(SHIPPED);
		assertThat(strings("select status from %s.tenant where id = 'initech'")).containsExactly("SUSPENDED");
		assertThat(strings("select distinct actor from %s.tenant_audit")).singleElement()
			.satisfies((actor) -> assertThat(actor).startsWith("import-tenants"));
		List<String> versions = strings("select id || ':' || version || ':' || updated_at from %s.tenant order by id");

		Result second = run(this.directory.toString());

		assertThat(second.exitCode()).isZero();
		assertThat(second.out()).contains("UNCHANGED acme.yaml")
			.doesNotContain("NEW ")
			.endsWith("0 new, 0 changed, " + SHIPPED + " unchanged, 0 invalid; nothing to write"
					+ System.lineSeparator());
		assertThat(count("tenant_audit")).isEqualTo(SHIPPED);
		assertThat(strings("select id || ':' || version || ':' || updated_at from %s.tenant order by id"))
			.isEqualTo(versions);
	}

	@Test
	void aChangedFileIsReportedWithItsDifferencesAndWritten() throws IOException, SQLException {
		assertThat(run(this.directory.toString()).exitCode()).isZero();
		Path acme = this.directory.resolve("acme.yaml");
		Files.writeString(acme, Files.readString(acme).replace("\"Acme Travel\"", "\"Acme Travel Group\""));

		Result changed = run(this.directory.toString());

		assertThat(changed.exitCode()).isZero();
		assertThat(changed.out())
			.contains("CHANGED   acme.yaml", "displayName: \"Acme Travel\" -> \"Acme Travel Group\"")
			.endsWith("0 new, 1 changed, " + (SHIPPED - 1) + " unchanged, 0 invalid; written" + System.lineSeparator());
		assertThat(count("tenant_audit")).isEqualTo(SHIPPED + 1);
		assertThat(strings("select version::text from %s.tenant where id = 'acme'")).containsExactly("1");
	}

	@Test
	void oneInvalidFileMeansNothingIsWrittenAndExitCode1() throws IOException, SQLException {
		Path globex = this.directory.resolve("globex.yaml");
		Files.writeString(globex, Files.readString(globex).replace("perUser:", "perUsr:"));

		Result result = run(this.directory.toString());

		assertThat(result.exitCode()).isEqualTo(1);
		assertThat(result.out()).contains("INVALID   globex.yaml", "perUsr", "unknown key")
			.endsWith(
					(SHIPPED - 1) + " new, 0 changed, 0 unchanged, 1 invalid; nothing written because of invalid files"
							+ System.lineSeparator());
		assertThat(count("tenant")).isZero();
		assertThat(count("tenant_audit")).isZero();
	}

	@Test
	void aDryRunReportsAndWritesNothing() throws SQLException {
		Result result = run(this.directory.toString(), "--dry-run");

		assertThat(result.exitCode()).isZero();
		assertThat(result.out()).contains("NEW       acme.yaml")
			.endsWith(SHIPPED + " new, 0 changed, 0 unchanged, 0 invalid; dry run, nothing written"
					+ System.lineSeparator());
		assertThat(count("tenant")).isZero();
		assertThat(count("tenant_audit")).isZero();
	}

	@Test
	void usageErrorsExitWith2WithoutTouchingTheDatabase() throws IOException {
		Path file = Files.writeString(this.directory.resolve("notes.txt"), "not a directory");

		assertUsage(ImportTenantsCommand.run(new String[0], devNull(), devNull()));
		assertUsage(ImportTenantsCommand.run(new String[] { "--dry-run" }, devNull(), devNull()));
		assertUsage(ImportTenantsCommand.run(new String[] { this.directory.resolve("missing").toString() }, devNull(),
				devNull()));
		assertUsage(ImportTenantsCommand.run(new String[] { file.toString() }, devNull(), devNull()));
		assertUsage(
				ImportTenantsCommand.run(new String[] { this.directory.toString(), "--force" }, devNull(), devNull()));
		assertUsage(ImportTenantsCommand.run(new String[] { this.directory.toString(), "-n" }, devNull(), devNull()));
		assertUsage(ImportTenantsCommand.run(new String[] { this.directory.toString(), this.directory.toString() },
				devNull(), devNull()));
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		ImportTenantsCommand.run(new String[] { this.directory.toString(), "--dryrun" }, devNull(),
				new PrintStream(err, true, StandardCharsets.UTF_8));
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --dryrun", "Usage:");
	}

	@Test
	void anUnreachableDatabaseExitsWith3() {
		ByteArrayOutputStream err = new ByteArrayOutputStream();

		int exitCode = ImportTenantsCommand.run(
				new String[] { this.directory.toString(), "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/none",
						"--spring.flyway.user=nobody", "--spring.datasource.username=nobody",
						"--spring.flyway.connect-retries=0" },
				devNull(), new PrintStream(err, true, StandardCharsets.UTF_8));

		assertThat(exitCode).isEqualTo(3);
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("could not run, nothing was written");
	}

	private static void assertUsage(int exitCode) {
		assertThat(exitCode).isEqualTo(2);
	}

	private static PrintStream devNull() {
		return new PrintStream(PrintStream.nullOutputStream());
	}

	private long count(String table) throws SQLException {
		return Long.parseLong(strings("select count(*) from %s." + table).get(0));
	}

	private List<String> strings(String sqlWithSchema) throws SQLException {
		try (Connection connection = TestDatabase.connectAsOwner();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sqlWithSchema.formatted(this.schema))) {
			List<String> values = new ArrayList<>();
			while (rs.next()) {
				values.add(rs.getString(1));
			}
			return values;
		}
	}

}
