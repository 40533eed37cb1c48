package dev.tenancy.ratelimit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Redis Cluster of masters only, started on loopback from the test with the machine's
 * {@code redis-server} and {@code redis-cli}, on free ports, with no persistence, in a
 * temporary directory. It fails (never skips) when Redis is not installed.
 */
final class LoopbackRedisCluster implements AutoCloseable {

	private final String cli;

	private final Path directory;

	private final List<Integer> ports = new ArrayList<>();

	private LoopbackRedisCluster(String cli, Path directory) {
		this.cli = cli;
		this.directory = directory;
	}

	/**
	 * Start a cluster and wait until it is {@code cluster_state:ok}.
	 * @param masters the number of masters (at least 3)
	 * @return the running cluster
	 */
	static LoopbackRedisCluster start(int masters) {
		String server = executable("redis-server");
		String cli = executable("redis-cli");
		Path directory;
		try {
			directory = Files.createTempDirectory("tenancy-redis-cluster");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		LoopbackRedisCluster cluster = new LoopbackRedisCluster(cli, directory);
		try {
			for (int i = 0; i < masters; i++) {
				int port = freePort(cluster.ports);
				cluster.ports.add(port);
				run(server, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
						"--cluster-config-file", "nodes-" + port + ".conf", "--cluster-node-timeout", "5000", "--save",
						"", "--appendonly", "no", "--daemonize", "yes", "--dir", directory.toString(), "--logfile",
						directory.resolve("redis-" + port + ".log").toString());
			}
			for (int port : cluster.ports) {
				cluster.await(port, "ping", "PONG");
			}
			List<String> create = new ArrayList<>(List.of(cli, "--cluster", "create"));
			cluster.ports.forEach((port) -> create.add("127.0.0.1:" + port));
			create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
			run(create.toArray(String[]::new));
			for (int port : cluster.ports) {
				cluster.await(port, "cluster info", "cluster_state:ok");
			}
			return cluster;
		}
		catch (RuntimeException | Error ex) {
			cluster.close();
			throw ex;
		}
	}

	/**
	 * @return the ports of the masters
	 */
	List<Integer> ports() {
		return List.copyOf(this.ports);
	}

	@Override
	public void close() {
		for (int port : this.ports) {
			try {
				run(this.cli, "-p", Integer.toString(port), "shutdown", "nosave");
			}
			catch (RuntimeException ex) {
				// already gone
			}
		}
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		catch (IOException ex) {
			// a temporary directory left behind
		}
	}

	private void await(int port, String command, String expected) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		String last = "";
		while (System.nanoTime() < deadline) {
			List<String> args = new ArrayList<>(List.of(this.cli, "-p", Integer.toString(port)));
			args.addAll(List.of(command.split(" ")));
			try {
				last = run(args.toArray(String[]::new));
				if (last.contains(expected)) {
					return;
				}
			}
			catch (RuntimeException ex) {
				last = ex.getMessage();
			}
			sleep(50);
		}
		throw new IllegalStateException("Redis on port " + port + " never answered '" + expected + "' to '" + command
				+ "'; last answer: " + last + " (logs in " + this.directory + ")");
	}

	private static String executable(String name) {
		for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/local/bin").split(File.pathSeparator)) {
			File candidate = new File(dir, name);
			if (candidate.canExecute()) {
				return candidate.getAbsolutePath();
			}
		}
		throw new IllegalStateException("The Redis Cluster test needs '" + name + "' on the PATH to start a cluster on "
				+ "loopback, and it is not there. Install Redis (Debian: apt-get install redis-server, which brings "
				+ "redis-server and redis-cli) and run the tests again.");
	}

	private static int freePort(List<Integer> taken) {
		// The cluster bus listens on port + 10000, so both must be free and below 65536.
		for (int attempt = 0; attempt < 200; attempt++) {
			int port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
			if (!taken.contains(port) && bindable(port) && bindable(port + 10_000)) {
				return port;
			}
		}
		throw new IllegalStateException("No free port pair for a Redis Cluster node");
	}

	private static boolean bindable(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(false);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static String run(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			byte[] output = process.getInputStream().readAllBytes();
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("Timed out: " + String.join(" ", command));
			}
			String text = new String(output, StandardCharsets.UTF_8);
			if (process.exitValue() != 0) {
				throw new IllegalStateException(
						"Failed (" + process.exitValue() + "): " + String.join(" ", command) + "\n" + text);
			}
			return text;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
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
