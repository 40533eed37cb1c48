package dev.tenancy.sample;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

import dev.tenancy.test.TestServices;

/**
 * The database every context of this test JVM uses, as the app is meant to be deployed: a
 * fresh database from {@link TestServices#postgres()}, migrations run by the owner (the
 * user of the server URL in {@code TENANCY_TEST_POSTGRES_URL}), the app connected as its
 * own non-owner role. Roles are cluster-wide, so the app role's name is unique to this
 * JVM ({@code travel_app_test_<random>}); {@code db/local/beforeMigrate.sql} creates it,
 * as in the {@code local} profile, and it is dropped again when the JVM exits.
 * <p>
 * Spring test contexts get these properties through {@link ContextCustomizerFactory}
 * (registered in {@code META-INF/spring.factories}); applications started by hand take
 * {@link #args}.
 */
public final class TestDatabase {

	private static final Logger logger = LoggerFactory.getLogger(TestDatabase.class);

	/** The app role of this test JVM. */
	public static final String APP_ROLE = "travel_app_test_"
			+ UUID.randomUUID().toString().replace("-", "").substring(0, 10);

	private static final String APP_PASSWORD = "test-" + UUID.randomUUID();

	private static Settings settings;

	private TestDatabase() {
	}

	/**
	 * Connection settings of the test database.
	 *
	 * @param url JDBC URL without credentials
	 * @param owner the owner role (runs migrations)
	 * @param ownerPassword its password, or empty
	 */
	public record Settings(String url, String owner, String ownerPassword) {
	}

	/**
	 * @return the settings, creating the database on first use
	 */
	public static synchronized Settings settings() {
		if (settings == null) {
			settings = parse(TestServices.postgres().jdbcUrl());
			Runtime.getRuntime().addShutdownHook(new Thread(TestDatabase::dropAppRole, "drop-test-app-role"));
		}
		return settings;
	}

	/**
	 * The properties that point the app at the test database.
	 * @return property names and values
	 */
	public static Map<String, Object> properties() {
		Settings db = settings();
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.datasource.url", db.url());
		properties.put("spring.datasource.username", APP_ROLE);
		properties.put("spring.datasource.password", APP_PASSWORD);
		properties.put("spring.datasource.hikari.maximum-pool-size", "4");
		properties.put("spring.datasource.hikari.minimum-idle", "1");
		properties.put("spring.flyway.user", db.owner());
		properties.put("spring.flyway.password", db.ownerPassword());
		properties.put("spring.flyway.locations", "classpath:db/migration,classpath:db/local");
		properties.put("spring.flyway.placeholders.app-password", APP_PASSWORD);
		return properties;
	}

	/**
	 * Command-line arguments for an application started by hand: the test database and
	 * the test Redis ({@link TestRedis}), then more.
	 * @param more further {@code name=value} pairs, which win over the database's and
	 * Redis's
	 * @return {@code --name=value} arguments
	 */
	public static String[] args(String... more) {
		// One argument per name: Spring Boot joins repeated ones with commas.
		Map<String, Object> merged = new LinkedHashMap<>(properties());
		merged.putAll(TestRedis.properties());
		// Actuator on a port of its own, as configured, but a free one
		merged.put("management.server.port", "0");
		for (String pair : more) {
			int equals = pair.indexOf('=');
			merged.put(pair.substring(0, equals), pair.substring(equals + 1));
		}
		List<String> args = new ArrayList<>();
		merged.forEach((name, value) -> args.add("--" + name + "=" + value));
		return args.toArray(String[]::new);
	}

	/**
	 * A connection as the owner role (for checks the app role may not make).
	 * @return a new connection
	 * @throws SQLException on failure
	 */
	public static Connection connectAsOwner() throws SQLException {
		Settings db = settings();
		Properties credentials = new Properties();
		credentials.setProperty("user", db.owner());
		if (!db.ownerPassword().isEmpty()) {
			credentials.setProperty("password", db.ownerPassword());
		}
		return DriverManager.getConnection(db.url(), credentials);
	}

	/**
	 * A connection as the app role, outside any application.
	 * @return a new connection
	 * @throws SQLException on failure
	 */
	public static Connection connectAsApp() throws SQLException {
		return DriverManager.getConnection(settings().url(), APP_ROLE, APP_PASSWORD);
	}

	/**
	 * Split credentials off the URL: a user in the URL would win over
	 * {@code spring.datasource.username} in the PostgreSQL driver, and the app would
	 * connect as the owner.
	 */
	static Settings parse(String jdbcUrl) {
		int query = jdbcUrl.indexOf('?');
		String base = (query >= 0) ? jdbcUrl.substring(0, query) : jdbcUrl;
		String user = null;
		String password = "";
		List<String> kept = new ArrayList<>();
		if (query >= 0) {
			for (String parameter : jdbcUrl.substring(query + 1).split("&")) {
				int equals = parameter.indexOf('=');
				String name = (equals >= 0) ? parameter.substring(0, equals) : parameter;
				String value = (equals >= 0)
						? URLDecoder.decode(parameter.substring(equals + 1), StandardCharsets.UTF_8) : "";
				switch (name) {
					case "user" -> user = value;
					case "password" -> password = value;
					default -> kept.add(parameter);
				}
			}
		}
		if (user == null) {
			throw new IllegalStateException("The test PostgreSQL URL must name its user (?user=...): it is the "
					+ "owner role that runs the migrations");
		}
		String url = kept.isEmpty() ? base : base + "?" + String.join("&", kept);
		return new Settings(url, user, password);
	}

	private static void dropAppRole() {
		try (Connection connection = connectAsOwner(); Statement statement = connection.createStatement()) {
			statement.execute("select pg_terminate_backend(pid) from pg_stat_activity where usename = '" + APP_ROLE
					+ "' and pid <> pg_backend_pid()");
			statement.execute("do $$ begin if exists (select from pg_roles where rolname = '" + APP_ROLE
					+ "') then execute 'drop owned by " + APP_ROLE + "'; execute 'drop role " + APP_ROLE
					+ "'; end if; end $$");
		}
		catch (SQLException ex) {
			logger.warn("Could not drop test role {}: {}", APP_ROLE, ex.getMessage());
		}
	}

	/**
	 * Puts {@link #properties()} first in every test context's environment.
	 */
	public static final class ContextCustomizerFactory
			implements org.springframework.test.context.ContextCustomizerFactory {

		@Override
		public ContextCustomizer createContextCustomizer(Class<?> testClass,
				List<ContextConfigurationAttributes> configAttributes) {
			return new Customizer();
		}

	}

	private static final class Customizer implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
			context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("testDatabase", properties()));
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Customizer;
		}

		@Override
		public int hashCode() {
			return Customizer.class.hashCode();
		}

	}

}
