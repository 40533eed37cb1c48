package dev.tenancy.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A RabbitMQ node of a test's own, on its own port, data directory and node name, so the
 * test can stop and restart a broker without touching the machine's shared one. Its data
 * survives a restart (durable queues, persistent messages), as a production broker's
 * does. Needs {@code rabbitmq-server} and {@code rabbitmqctl} on the PATH (Debian's
 * {@code rabbitmq-server} package); without them the test fails saying so.
 */
final class OwnRabbitNode implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

	private final int port;

	private final String node;

	private final Path home;

	private boolean running;

	OwnRabbitNode(int port) {
		this.port = port;
		this.node = "tenancy-test-" + port + "-" + ProcessHandle.current().pid() + "@localhost";
		try {
			this.home = Files.createTempDirectory("tenancy-rabbit-",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
			// the server runs as the rabbitmq user, which must write here
			Files.setPosixFilePermissions(this.home, PosixFilePermissions.fromString("rwxrwxrwx"));
			for (String dir : new String[] { "mnesia", "log" }) {
				Files.setPosixFilePermissions(Files.createDirectory(this.home.resolve(dir)),
						PosixFilePermissions.fromString("rwxrwxrwx"));
			}
			Files.writeString(this.home.resolve("enabled_plugins"), "[].\n");
			Files.writeString(this.home.resolve("rabbitmq.conf"), "listeners.tcp.local = 127.0.0.1:" + port + "\n");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	int port() {
		return this.port;
	}

	void start() {
		run(START_TIMEOUT, "rabbitmq-server", "-detached");
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (!accepts()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("RabbitMQ node " + this.node + " did not listen on port " + this.port
						+ " within " + START_TIMEOUT + "; see its log in " + this.home.resolve("log"));
			}
			sleep(200);
		}
		this.running = true;
	}

	void stop() {
		run(START_TIMEOUT, "rabbitmqctl", "-n", this.node, "stop");
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (accepts() && System.nanoTime() < deadline) {
			sleep(200);
		}
		this.running = false;
	}

	@Override
	public void close() {
		if (this.running) {
			stop();
		}
		try (Stream<Path> files = Files.walk(this.home)) {
			files.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// a temporary directory: nothing depends on it being gone
		}
	}

	private boolean accepts() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private void run(Duration timeout, String... command) {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.home.resolve("log").resolve("cli.txt").toFile());
		Map<String, String> env = builder.environment();
		env.put("RABBITMQ_NODENAME", this.node);
		env.put("RABBITMQ_CONFIG_FILE", this.home.resolve("rabbitmq.conf").toString());
		env.put("RABBITMQ_MNESIA_BASE", this.home.resolve("mnesia").toString());
		env.put("RABBITMQ_LOG_BASE", this.home.resolve("log").toString());
		env.put("RABBITMQ_ENABLED_PLUGINS_FILE", this.home.resolve("enabled_plugins").toString());
		env.put("RABBITMQ_PID_FILE", this.home.resolve("pid").toString());
		env.put("RABBITMQ_DIST_PORT", String.valueOf(this.port + 1));
		try {
			Process process = builder.start();
			if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("This test starts a RabbitMQ node of its own and needs rabbitmq-server "
					+ "and rabbitmqctl on the PATH (apt-get install rabbitmq-server): " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
