package dev.tenancy.sample.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.tenancy.registry.file.TenantFile;
import dev.tenancy.registry.file.TenantFileReader;
import dev.tenancy.registry.jdbc.JdbcTenantRegistry;
import dev.tenancy.registry.jdbc.TenantImportReport;
import dev.tenancy.registry.jdbc.TenantImporter;
import dev.tenancy.sample.SampleApplication;

/**
 * {@code java -jar sample-app.jar import-tenants DIR [--dry-run] [--name=value ...]}:
 * imports a directory of tenant YAML files (one {@code <tenant-id>.yaml} per tenant, the
 * old platform's format) into the tenant registry of the configured database, without
 * starting the web server.
 * <p>
 * Every file is validated first; when any is invalid nothing is written. Otherwise new
 * and changed tenants are written in one transaction, each with an audit entry, and every
 * running instance sees the change within a second. Running it again with the same files
 * changes nothing. With {@code --dry-run} it reports without writing. The report (one
 * line per file: {@code NEW}, {@code CHANGED} with the differences, {@code UNCHANGED}, or
 * {@code INVALID} with the reason, then a summary) goes to standard output.
 * <p>
 * The database is the application's, configured as usual: {@code application.yml},
 * profiles ({@code --spring.profiles.active=local}), environment variables
 * ({@code SPRING_DATASOURCE_URL}, ...), or {@code --name=value} arguments, which are
 * passed on to Spring Boot. Migrations run first as for the application.
 * <p>
 * Exit codes:
 * <ul>
 * <li>{@code 0}: every file is valid (imported, or reported by a dry run)</li>
 * <li>{@code 1}: at least one file is invalid; nothing was written</li>
 * <li>{@code 2}: usage error: no directory, more than one, not a directory, or an unknown
 * option; nothing was read from or written to the database</li>
 * <li>{@code 3}: the import could not run (the database is unreachable, the application
 * failed to start, the directory cannot be listed); nothing was written</li>
 * </ul>
 * Only {@link SampleApplication#main(String[])} exits the JVM; {@link #run} returns the
 * code.
 */
public final class ImportTenantsCommand {

	/** The command's name, the first program argument. */
	public static final String NAME = "import-tenants";

	/** Every file valid. */
	public static final int OK = 0;

	/** At least one invalid file. */
	public static final int INVALID_FILES = 1;

	/** Bad arguments. */
	public static final int USAGE = 2;

	/** The import could not run. */
	public static final int FAILED = 3;

	static final String USAGE_TEXT = "Usage: java -jar sample-app.jar " + NAME
			+ " DIR [--dry-run] [--spring.property=value ...]";

	private ImportTenantsCommand() {
	}

	/**
	 * Run the command.
	 * @param args the arguments after the command name
	 * @param out where the report goes
	 * @param err where errors go
	 * @return the exit code
	 */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		Path directory = null;
		boolean dryRun = false;
		List<String> springArgs = new ArrayList<>();
		for (String arg : args) {
			if (arg.equals("--dry-run")) {
				dryRun = true;
			}
			else if (arg.startsWith("--") && arg.indexOf('=') > 2) {
				springArgs.add(arg);
			}
			else if (arg.startsWith("-")) {
				return usage(err, "unknown option " + arg);
			}
			else if (directory != null) {
				return usage(err, "only one directory, got " + directory + " and " + arg);
			}
			else {
				try {
					directory = Path.of(arg);
				}
				catch (InvalidPathException ex) {
					return usage(err, "not a directory: " + arg);
				}
			}
		}
		if (directory == null) {
			return usage(err, "the directory of tenant files is missing");
		}
		if (!Files.isDirectory(directory)) {
			return usage(err, "not a directory: " + directory);
		}
		List<TenantFile> files;
		try {
			files = TenantFileReader.readDirectory(directory);
		}
		catch (IOException ex) {
			err.println(NAME + ": cannot list " + directory + ": " + ex.getMessage());
			return FAILED;
		}
		TenantImportReport report;
		try (ConfigurableApplicationContext context = start(springArgs)) {
			TenantImporter importer = new TenantImporter(context.getBean(JdbcTenantRegistry.class));
			report = importer.importFiles(files, dryRun, actor());
		}
		catch (RuntimeException ex) {
			err.println(NAME + ": the import could not run, nothing was written: " + rootMessage(ex));
			return FAILED;
		}
		out.print(report.describe());
		out.flush();
		return report.hasInvalid() ? INVALID_FILES : OK;
	}

	private static ConfigurableApplicationContext start(List<String> springArgs) {
		Map<String, Object> defaults = new LinkedHashMap<>();
		// A one-off process: no listening for other instances' changes, and only warnings
		// in the
		// log, so that standard output is the report. Both can be overridden with
		// --name=value.
		defaults.put("tenancy.registry.jdbc.listen", "false");
		defaults.put("logging.level.root", "WARN");
		defaults.put("spring.datasource.hikari.maximum-pool-size", "2");
		return new SpringApplicationBuilder(SampleApplication.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.registerShutdownHook(false)
			.properties(defaults)
			.run(springArgs.toArray(String[]::new));
	}

	private static String actor() {
		return NAME + " (" + System.getProperty("user.name", "unknown") + ")";
	}

	private static int usage(PrintStream err, String problem) {
		err.println(NAME + ": " + problem);
		err.println(USAGE_TEXT);
		return USAGE;
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + ": " + root.getMessage();
	}

}
