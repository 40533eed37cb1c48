package dev.tenancy.ratelimit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.lettuce.core.RedisURI;

/**
 * A {@code redis-server} of a test's own, which the test may pause ({@code SIGSTOP}),
 * resume, kill ({@code SIGKILL}) and start again on the same port with the same data:
 * append-only file, fsync on every write, in a temporary directory.
 */
final class OwnRedisServer implements AutoCloseable {

	/** The ports this module's degraded-mode tests may use. */
	private static final int FIRST_PORT = 19340;

	private static final int LAST_PORT = 19399;

	private final Path directory;

	private final int port;

	private Process process;

	private OwnRedisServer(Path directory, int port) {
		this.directory = directory;
		this.port = port;
	}

	static OwnRedisServer start() {
		String server = executable();
		try {
			Path directory = Files.createTempDirectory("tenancy-redis-");
			OwnRedisServer redis = new OwnRedisServer(directory, freePort());
			redis.launch(server);
			return redis;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	int port() {
		return this.port;
	}

	RedisURI uri() {
		return RedisURI.create("127.0.0.1", this.port);
	}

	/** Stop answering (the connection stays open): a Redis that is slow or stuck. */
	void pause() {
		signal("-STOP");
	}

	void resume() {
		signal("-CONT");
	}

	/** Kill the server at once, as a crash would. */
	void kill() {
		signal("-KILL");
		try {
			this.process.waitFor(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Start again on the same port with the same data. */
	void restart() {
		launch(executable());
	}

	@Override
	public void close() {
		if (this.process != null) {
			signal("-CONT");
			this.process.destroyForcibly();
			try {
				this.process.waitFor(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		catch (IOException ex) {
			// a temporary directory: nothing to do
		}
	}

	private void launch(String server) {
		try {
			this.process = new ProcessBuilder(server, "--port", Integer.toString(this.port), "--bind", "127.0.0.1",
					"--dir", this.directory.toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "",
					"--logfile", this.directory.resolve("redis.log").toString())
				.redirectErrorStream(true)
				.redirectOutput(this.directory.resolve("stdout.log").toFile())
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (System.nanoTime() < deadline) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
				socket.getOutputStream().write("PING\r\n".getBytes());
				byte[] reply = new byte[7];
				socket.setSoTimeout(500);
				int read = socket.getInputStream().read(reply);
				if (read > 0 && new String(reply, 0, read).startsWith("+PONG")) {
					return;
				}
			}
			catch (IOException ex) {
				// not up yet
			}
			sleep(50);
		}
		throw new IllegalStateException("redis-server on port " + this.port + " did not start; see " + this.directory);
	}

	private void signal(String signal) {
		try {
			new ProcessBuilder("kill", signal, Long.toString(this.process.pid())).inheritIO().start().waitFor();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static int freePort() {
		for (int port = FIRST_PORT; port <= LAST_PORT; port++) {
			try (ServerSocket socket = new ServerSocket()) {
				socket.setReuseAddress(false);
				socket.bind(new InetSocketAddress("127.0.0.1", port));
				return port;
			}
			catch (IOException ex) {
				// taken
			}
		}
		throw new IllegalStateException("No free port in " + FIRST_PORT + "-" + LAST_PORT);
	}

	private static String executable() {
		for (String dir : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
			File file = new File(dir, "redis-server");
			if (file.canExecute()) {
				return file.getPath();
			}
		}
		throw new IllegalStateException("These tests start a redis-server of their own (they pause and kill it), "
				+ "and redis-server is not installed. Install Redis (Debian: apt-get install redis-server) and run "
				+ "the tests again.");
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
