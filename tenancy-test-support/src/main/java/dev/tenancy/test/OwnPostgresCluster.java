package dev.tenancy.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL cluster that a test owns: its own data directory and port, started with
 * {@code initdb} and {@code pg_ctl} from the machine's PostgreSQL installation, so that a
 * test can stop it ({@link #stop(StopMode)}) and start it again ({@link #start()}) in the
 * middle of a run without touching the shared server. {@link #close()} stops it and
 * deletes its directory; a JVM shutdown hook does the same if the test never gets that
 * far.
 * <p>
 * The binaries are those of {@code TENANCY_TEST_PG_BIN} when set, otherwise of the newest
 * {@code /usr/lib/postgresql/<version>/bin}. {@code initdb} and the server refuse to run
 * as root, so when the JVM runs as root they run as the {@code postgres} user
 * ({@code runuser -u postgres}), which then owns the data directory. The cluster trusts
 * local connections of its superuser {@code postgres}, listens on 127.0.0.1 only and has
 * no Unix socket.
 */
public final class OwnPostgresCluster implements AutoCloseable {

	/**
	 * Environment variable naming a directory with {@code initdb}, {@code pg_ctl} and
	 * {@code postgres}.
	 */
	public static final String BIN_ENV = "TENANCY_TEST_PG_BIN";

	private static final Logger logger = LoggerFactory.getLogger(OwnPostgresCluster.class);

	private static final String SYSTEM_USER = "postgres";

	private static final long COMMAND_TIMEOUT_SECONDS = 60;

	private final Path bin;

	private final Path directory;

	private final Path data;

	private volatile int port;

	private final boolean asPostgresUser;

	private final Thread shutdownHook;

	private volatile boolean closed;

	private OwnPostgresCluster(Path bin, Path directory) {
		this.bin = bin;
		this.directory = directory;
		this.data = directory.resolve("data");
		this.asPostgresUser = isRoot();
		this.shutdownHook = new Thread(this::destroy, "own-postgres-cleanup-" + directory.getFileName());
	}

	/**
	 * Create a cluster in a new directory under {@code parent} and start it on the first
	 * free port of {@code firstPort..lastPort}.
	 * @param parent where the cluster's directory is created (such as {@code target/})
	 * @param firstPort first port to try
	 * @param lastPort last port to try
	 * @return the running cluster
	 * @throws IllegalStateException when PostgreSQL is not installed, no port is free or
	 * the cluster does not start (with the server's log)
	 */
	public static OwnPostgresCluster start(Path parent, int firstPort, int lastPort) {
		Path bin = binaries();
		Path directory;
		try {
			Files.createDirectories(parent);
			directory = Files.createTempDirectory(parent.toAbsolutePath(), "own-postgres-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		OwnPostgresCluster cluster = new OwnPostgresCluster(bin, directory);
		Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
		try {
			cluster.init();
			cluster.startOnAFreePort(firstPort, lastPort);
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
		return cluster;
	}

	/**
	 * Start on the first port of the range that is free, trying the next one when another
	 * process (a test JVM running beside this one) took it between the check and the
	 * start.
	 */
	private void startOnAFreePort(int firstPort, int lastPort) {
		int from = firstPort;
		while (true) {
			this.port = freePort(from, lastPort);
			try {
				start();
				return;
			}
			catch (IllegalStateException ex) {
				boolean taken = log().contains("could not bind") || log().contains("Address already in use");
				if (!taken || this.port >= lastPort) {
					throw ex;
				}
				from = this.port + 1;
			}
		}
	}

	/**
	 * @return the port the cluster listens on (127.0.0.1)
	 */
	public int port() {
		return this.port;
	}

	/**
	 * @return the cluster's data directory
	 */
	public Path dataDirectory() {
		return this.data;
	}

	/**
	 * A JDBC URL of a database of this cluster, without credentials.
	 * @param database the database name
	 * @return the URL
	 */
	public String jdbcUrl(String database) {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/" + database;
	}

	/**
	 * @return the superuser role, which needs no password from 127.0.0.1
	 */
	public String superuser() {
		return SYSTEM_USER;
	}

	/**
	 * A new connection as the superuser.
	 * @param database the database
	 * @return the connection
	 * @throws SQLException when the cluster does not answer
	 */
	public Connection connect(String database) throws SQLException {
		return DriverManager.getConnection(jdbcUrl(database), SYSTEM_USER, "");
	}

	/**
	 * Start the (stopped) cluster and wait until it accepts connections.
	 * @throws IllegalStateException when it does not start
	 */
	public synchronized void start() {
		requireOpen();
		run(true, pgCtl("start", "-w", "-t", "60", "-l", this.directory.resolve("server.log").toString(), "-o",
				"-p " + this.port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"));
	}

	/**
	 * Stop the cluster: {@link StopMode#FAST} disconnects every client (aborting their
	 * transactions) and shuts down cleanly, {@link StopMode#IMMEDIATE} kills the server
	 * like a crash, to be recovered from its write-ahead log at the next start.
	 * @param mode how
	 */
	public synchronized void stop(StopMode mode) {
		requireOpen();
		run(true, pgCtl("stop", "-w", "-t", "60", "-m", mode.name().toLowerCase(java.util.Locale.ROOT)));
	}

	/**
	 * @return whether the server is running
	 */
	public synchronized boolean isRunning() {
		return !this.closed && run(false, pgCtl("status")) == 0;
	}

	/**
	 * @return the server log so far (for failure messages)
	 */
	public String log() {
		try {
			Path log = this.directory.resolve("server.log");
			return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
		}
		catch (IOException ex) {
			return "(server log unreadable: " + ex.getMessage() + ")";
		}
	}

	/**
	 * Stop the server (immediately: nothing in it is worth a checkpoint) and delete its
	 * directory.
	 */
	@Override
	public void close() {
		destroy();
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is shutting down: the hook runs destroy() again, which does nothing
			// now
		}
	}

	private synchronized void destroy() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		if (Files.exists(this.data.resolve("postmaster.pid"))) {
			run(false, pgCtl("stop", "-w", "-t", "30", "-m", "immediate"));
		}
		deleteRecursively(this.directory);
	}

	private void init() {
		if (this.asPostgresUser) {
			try {
				UserPrincipal owner = this.directory.getFileSystem()
					.getUserPrincipalLookupService()
					.lookupPrincipalByName(SYSTEM_USER);
				Files.setOwner(this.directory, owner);
			}
			catch (IOException ex) {
				throw new IllegalStateException("Running as root, the cluster's directory must belong to the '"
						+ SYSTEM_USER + "' user, which cannot be arranged: " + ex.getMessage(), ex);
			}
		}
		// --no-sync: a scratch cluster; the server itself runs with fsync on, as in
		// production.
		run(true, List.of(this.bin.resolve("initdb").toString(), "-D", this.data.toString(), "-U", SYSTEM_USER, "-A",
				"trust", "-E", "UTF8", "--no-sync", "--no-instructions"));
	}

	private List<String> pgCtl(String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(this.bin.resolve("pg_ctl").toString());
		command.add("-D");
		command.add(this.data.toString());
		command.addAll(List.of(arguments));
		return command;
	}

	private int run(boolean required, List<String> command) {
		List<String> full = new ArrayList<>();
		if (this.asPostgresUser) {
			full.addAll(List.of("runuser", "-u", SYSTEM_USER, "--"));
		}
		full.addAll(command);
		Path output = this.directory.resolve("command.out");
		try {
			Process process = new ProcessBuilder(full).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.directory(this.directory.toFile())
				.start();
			if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("Timed out: " + String.join(" ", full));
			}
			int exit = process.exitValue();
			if (required && exit != 0) {
				throw new IllegalStateException("Failed (exit " + exit + "): " + String.join(" ", full) + "\n"
						+ Files.readString(output, StandardCharsets.UTF_8) + "\nServer log:\n" + log());
			}
			return exit;
		}
		catch (IOException ex) {
			if (required) {
				throw new UncheckedIOException(ex);
			}
			return -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted: " + String.join(" ", full), ex);
		}
	}

	private void requireOpen() {
		if (this.closed) {
			throw new IllegalStateException("The cluster on port " + this.port + " is closed");
		}
	}

	private static Path binaries() {
		String configured = System.getenv(BIN_ENV);
		if (configured != null && !configured.isBlank()) {
			Path bin = Paths.get(configured);
			if (!Files.isExecutable(bin.resolve("pg_ctl"))) {
				throw new IllegalStateException(BIN_ENV + "=" + configured + " has no pg_ctl");
			}
			return bin;
		}
		Path installations = Paths.get("/usr/lib/postgresql");
		if (Files.isDirectory(installations)) {
			try (Stream<Path> versions = Files.list(installations)) {
				Path newest = versions.map((version) -> version.resolve("bin"))
					.filter((bin) -> Files.isExecutable(bin.resolve("pg_ctl"))
							&& Files.isExecutable(bin.resolve("initdb")))
					.max(Comparator.comparingInt(OwnPostgresCluster::majorVersion))
					.orElse(null);
				if (newest != null) {
					return newest;
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		throw new IllegalStateException("This test starts and stops a PostgreSQL cluster of its own and needs the "
				+ "PostgreSQL server binaries (initdb, pg_ctl): install PostgreSQL (on Debian/Ubuntu: apt-get install "
				+ "postgresql) or set " + BIN_ENV + " to the directory holding them");
	}

	private static int majorVersion(Path bin) {
		try {
			return Integer.parseInt(bin.getParent().getFileName().toString());
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	private static int freePort(int first, int last) {
		for (int port = first; port <= last; port++) {
			try (ServerSocket socket = new ServerSocket()) {
				socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
				return port;
			}
			catch (IOException ex) {
				// taken: try the next one
			}
		}
		throw new IllegalStateException("No free port in " + first + "-" + last + " for a test's own PostgreSQL "
				+ "cluster; is a cluster of an earlier run still up? (pg_ctl -D <target>/own-postgres-*/data stop)");
	}

	private static boolean isRoot() {
		try {
			Process process = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
			String uid = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
			process.waitFor(10, TimeUnit.SECONDS);
			return "0".equals(uid);
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static void deleteRecursively(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					logger.warn("Could not delete {}: {}", path, ex.getMessage());
				}
			});
		}
		catch (IOException ex) {
			logger.warn("Could not delete {}: {}", directory, ex.getMessage());
		}
	}

	/**
	 * How {@link #stop(StopMode)} stops the server ({@code pg_ctl stop -m}).
	 */
	public enum StopMode {

		/** Disconnect clients, roll back their transactions, shut down cleanly. */
		FAST,

		/**
		 * Abort at once, like a crash; the next start recovers from the write-ahead log.
		 */
		IMMEDIATE

	}

}
