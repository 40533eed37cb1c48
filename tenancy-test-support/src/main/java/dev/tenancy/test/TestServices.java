package dev.tenancy.test;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The real PostgreSQL and Redis that tests talk to, in one place for every module.
 * <p>
 * Each server comes from its environment variable when set ({@value #POSTGRES_ENV}, a
 * JDBC URL with user and password as query parameters; {@value #REDIS_ENV}, a
 * {@code redis://} URI), otherwise from Testcontainers when a Docker engine answers. With
 * neither, the test fails with a message saying how to provide one: it never skips.
 * <p>
 * Every test JVM gets its own fresh PostgreSQL database (created on first use, named
 * {@code tenancy_test_<random>}), so modules and repeated runs never see each other's
 * rows.
 */
public final class TestServices {

	/** Environment variable naming the PostgreSQL server for tests. */
	public static final String POSTGRES_ENV = "TENANCY_TEST_POSTGRES_URL";

	/** Environment variable naming the Redis server for tests. */
	public static final String REDIS_ENV = "TENANCY_TEST_REDIS_URL";

	private static final Logger logger = LoggerFactory.getLogger(TestServices.class);

	private static volatile Postgres postgres;

	private static volatile String redisUrl;

	private TestServices() {
	}

	/**
	 * A fresh database for this test JVM.
	 * @return connection details of a database nobody else uses
	 */
	public static synchronized Postgres postgres() {
		if (postgres == null) {
			postgres = createDatabase(postgresServerUrl());
		}
		return postgres;
	}

	/**
	 * The Redis server for this test JVM.
	 * @return a {@code redis://host:port} URI
	 */
	public static synchronized String redisUrl() {
		if (redisUrl == null) {
			String fromEnv = System.getenv(REDIS_ENV);
			if (fromEnv != null && !fromEnv.isBlank()) {
				redisUrl = fromEnv.strip();
			}
			else if (dockerAvailable()) {
				redisUrl = Containers.redisUrl();
			}
			else {
				throw new IllegalStateException(missing("Redis", REDIS_ENV, "redis://127.0.0.1:6379"));
			}
		}
		return redisUrl;
	}

	/**
	 * Host and port of the Redis server.
	 * @return the URI of the server
	 */
	public static URI redisUri() {
		return URI.create(redisUrl());
	}

	private static String postgresServerUrl() {
		String fromEnv = System.getenv(POSTGRES_ENV);
		if (fromEnv != null && !fromEnv.isBlank()) {
			return fromEnv.strip();
		}
		if (dockerAvailable()) {
			return Containers.postgresUrl();
		}
		throw new IllegalStateException(
				missing("PostgreSQL", POSTGRES_ENV, "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres"));
	}

	private static Postgres createDatabase(String serverUrl) {
		String name = "tenancy_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		try (Connection connection = DriverManager.getConnection(serverUrl);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot create a test database on the server named by " + POSTGRES_ENV
					+ " (it needs a role allowed to CREATE DATABASE): " + ex.getMessage(), ex);
		}
		String url = withDatabase(serverUrl, name);
		logger.info("Tests use PostgreSQL database {}", name);
		return new Postgres(url, name, serverUrl);
	}

	static String withDatabase(String serverUrl, String database) {
		int query = serverUrl.indexOf('?');
		String base = (query >= 0) ? serverUrl.substring(0, query) : serverUrl;
		String params = (query >= 0) ? serverUrl.substring(query) : "";
		int slash = base.lastIndexOf('/');
		if (slash < "jdbc:postgresql://".length()) {
			return base + "/" + database + params;
		}
		return base.substring(0, slash + 1) + database + params;
	}

	private static boolean dockerAvailable() {
		if (!Containers.PRESENT) {
			return false;
		}
		try {
			return Containers.dockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	/**
	 * Everything that touches Testcontainers, loaded only when it is on the class path
	 * (the published test kit leaves it out for users who do not want it).
	 */
	private static final class Containers {

		static final boolean PRESENT = isPresent("org.testcontainers.DockerClientFactory");

		private Containers() {
		}

		static boolean dockerAvailable() {
			return DockerClientFactory.instance().isDockerAvailable();
		}

		static String redisUrl() {
			GenericContainer<?> redis = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
			redis.start();
			return "redis://" + redis.getHost() + ":" + redis.getMappedPort(6379);
		}

		static String postgresUrl() {
			PostgreSQLContainer container = new PostgreSQLContainer("postgres:15-alpine");
			container.start();
			String url = container.getJdbcUrl();
			return url + (url.contains("?") ? "&" : "?") + "user=" + container.getUsername() + "&password="
					+ container.getPassword();
		}

		private static boolean isPresent(String className) {
			try {
				Class.forName(className, false, TestServices.class.getClassLoader());
				return true;
			}
			catch (ClassNotFoundException | LinkageError ex) {
				return false;
			}
		}

	}

	private static String missing(String server, String variable, String example) {
		return String.format(Locale.ROOT,
				"These tests need a real %s server and none is available: no Docker engine for Testcontainers and "
						+ "%s is not set. Start %s and set %s (for example %s=%s), or run the tests on a machine "
						+ "with Docker. .ci/run does both for you.",
				server, variable, server, variable, variable, example);
	}

	/**
	 * A test database.
	 *
	 * @param jdbcUrl JDBC URL of the database, with credentials as parameters
	 * @param database the database name
	 * @param serverUrl JDBC URL of the server's maintenance database
	 */
	public record Postgres(String jdbcUrl, String database, String serverUrl) {

		/**
		 * Open a connection as the configured user.
		 * @return a new connection
		 * @throws SQLException on failure
		 */
		public Connection connect() throws SQLException {
			return DriverManager.getConnection(this.jdbcUrl);
		}

	}

}
