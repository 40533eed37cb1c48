package dev.tenancy.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.tenancy.registry.jdbc.JdbcTenantRegistry;
import dev.tenancy.registry.jdbc.RegistryMigrations;
import dev.tenancy.registry.jdbc.TenantImportReport;
import dev.tenancy.registry.jdbc.TenantImporter;

/**
 * Importing 1,000 tenant YAML files into an empty registry (validate all, then write all
 * in one transaction), and the idempotent re-run that finds everything unchanged.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class ImportBenchmark {

	static final int FILES = 1_000;

	private Path directory;

	private BenchDatabase database;

	private TenantImporter importer;

	@Setup(Level.Trial)
	public void writeFiles() throws IOException {
		this.directory = Files.createTempDirectory("tenancy-import-bench");
		for (int i = 0; i < FILES; i++) {
			Files.writeString(this.directory.resolve("agency-" + i + ".yaml"),
					"""
							displayName: "Agency %d"
							config:
							  plan: standard
							  rateLimit: { limit: 1000, window: PT1M, burst: 1000, perUser: { limit: 100, window: PT1M }, costs: { helpdesk: 5 } }
							  features: [trips, helpdesk]
							  emailDomains: [agency-%d.example]
							  locale: en-GB
							  attributes: { brandColour: "#0a5" }
							"""
						.formatted(i, i));
		}
	}

	@Setup(Level.Iteration)
	public void freshDatabase() throws Exception {
		this.database = new BenchDatabase();
		RegistryMigrations.migrate(this.database.dataSource(), "tenancy");
		this.importer = new TenantImporter(new JdbcTenantRegistry(this.database.dataSource(), "tenancy", null));
	}

	@TearDown(Level.Iteration)
	public void dropDatabase() throws Exception {
		this.database.close();
	}

	@TearDown(Level.Trial)
	public void deleteFiles() throws IOException {
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
	}

	@Benchmark
	public TenantImportReport importThousandFilesThenRerun() throws IOException {
		TenantImportReport first = this.importer.importDirectory(this.directory, false, "benchmark");
		if (first.count(TenantImportReport.Outcome.NEW) != FILES) {
			throw new IllegalStateException(first.describe());
		}
		return this.importer.importDirectory(this.directory, false, "benchmark");
	}

}
