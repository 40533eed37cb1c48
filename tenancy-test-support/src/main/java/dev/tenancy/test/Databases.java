package dev.tenancy.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Small helpers for tests that talk to the PostgreSQL of {@link TestServices}: pools,
 * JDBC URLs for other users, unique names, and scratch databases for tests that need a
 * catalog of their own.
 */
public final class Databases {

	private Databases() {
	}

	/**
	 * A name nobody else uses, for schemas, roles and databases.
	 * @param prefix a lower-case prefix
	 * @return the prefix and a random suffix
	 */
	public static String uniqueName(String prefix) {
		return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
	}

	/**
	 * A Hikari pool of up to {@code maximumPoolSize} connections, named in
	 * {@code pg_stat_activity}.
	 * @param jdbcUrl the URL, credentials as parameters
	 * @param maximumPoolSize the pool size
	 * @param name the pool name, also the connections' application name
	 * @return the pool
	 */
	public static HikariDataSource hikari(String jdbcUrl, int maximumPoolSize, String name) {
		return hikari(jdbcUrl, maximumPoolSize, name, (config) -> {
		});
	}

	/**
	 * A Hikari pool, customized.
	 * @param jdbcUrl the URL, credentials as parameters
	 * @param maximumPoolSize the pool size
	 * @param name the pool name, also the connections' application name
	 * @param customizer changes to the configuration (a short connection timeout, say)
	 * @return the pool
	 */
	public static HikariDataSource hikari(String jdbcUrl, int maximumPoolSize, String name,
			Consumer<HikariConfig> customizer) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(jdbcUrl);
		config.setPoolName(name);
		config.setMaximumPoolSize(maximumPoolSize);
		config.setMinimumIdle(0);
		config.setConnectionTimeout(5000);
		config.setValidationTimeout(250);
		config.setInitializationFailTimeout(-1);
		config.addDataSourceProperty("connectTimeout", "2");
		config.addDataSourceProperty("socketTimeout", "10");
		config.addDataSourceProperty("ApplicationName", name);
		customizer.accept(config);
		return new HikariDataSource(config);
	}

	/**
	 * The URL with other (or additional) query parameters, such as another user.
	 * @param jdbcUrl the URL
	 * @param parameters parameters to set, replacing ones of the same name
	 * @return the new URL
	 */
	public static String withParameters(String jdbcUrl, Map<String, String> parameters) {
		int query = jdbcUrl.indexOf('?');
		String base = (query >= 0) ? jdbcUrl.substring(0, query) : jdbcUrl;
		Map<String, String> merged = new LinkedHashMap<>();
		if (query >= 0) {
			for (String pair : jdbcUrl.substring(query + 1).split("&")) {
				if (!pair.isEmpty()) {
					int eq = pair.indexOf('=');
					merged.put((eq >= 0) ? pair.substring(0, eq) : pair, (eq >= 0) ? pair.substring(eq + 1) : "");
				}
			}
		}
		merged.putAll(parameters);
		return base + "?"
				+ merged.entrySet()
					.stream()
					.map((entry) -> entry.getKey() + "=" + entry.getValue())
					.collect(Collectors.joining("&"));
	}

	/**
	 * The URL for another user.
	 * @param jdbcUrl the URL
	 * @param user the user
	 * @param password the password
	 * @return the new URL
	 */
	public static String asUser(String jdbcUrl, String user, String password) {
		return withParameters(jdbcUrl, Map.of("user", user, "password", password));
	}

	/**
	 * Run statements on a new connection to the URL.
	 * @param jdbcUrl the URL
	 * @param sql the statements, one by one
	 */
	public static void execute(String jdbcUrl, String... sql) {
		try (Connection connection = DriverManager.getConnection(jdbcUrl);
				Statement statement = connection.createStatement()) {
			for (String each : sql) {
				statement.execute(each);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("SQL failed: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Create a database of its own on the test server, for a test that must control the
	 * whole catalog (row-level security checks, a host application's own Flyway in
	 * {@code public}).
	 * @return the database, dropped by {@link ScratchDatabase#close()}
	 */
	public static ScratchDatabase scratch() {
		TestServices.Postgres postgres = TestServices.postgres();
		String name = uniqueName(postgres.database());
		execute(postgres.serverUrl(), "CREATE DATABASE " + name);
		return new ScratchDatabase(TestServices.withDatabase(postgres.serverUrl(), name), name, postgres.serverUrl());
	}

	/**
	 * A database created for one test class.
	 *
	 * @param jdbcUrl its URL, as the configured user
	 * @param name its name
	 * @param serverUrl the server's maintenance database
	 */
	public record ScratchDatabase(String jdbcUrl, String name, String serverUrl) implements AutoCloseable {

		@Override
		public void close() {
			execute(this.serverUrl, "DROP DATABASE IF EXISTS " + this.name + " WITH (FORCE)");
		}

	}

}
