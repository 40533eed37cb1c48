package dev.tenancy.configserver.support;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.tenancy.test.TestServices;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Test fixture: every application context started by this module's tests uses this JVM's
 * own PostgreSQL test database (from {@link TestServices#postgres()}), a random
 * management port and, unless the test or profile sets one, the demo encryption key.
 */
public class TestEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/**
	 * The demo key of application-local.yml, which the shipped cipher texts are encrypted
	 * with.
	 */
	public static final String DEMO_KEY = "local-demo-encrypt-key-NOT-FOR-PRODUCTION";

	/**
	 * Set by a test that points the server at a database of its own (a cluster it may
	 * stop).
	 */
	public static final String OWN_DATABASE = "config-server-tests.own-database";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, Object> values = new LinkedHashMap<>();
		// always, even over application-local.yml: tests never touch the developer's
		// database;
		// only a fault test that runs its own PostgreSQL cluster names another one
		if (!environment.getProperty(OWN_DATABASE, Boolean.class, false)) {
			values.put("spring.datasource.url", TestServices.postgres().jdbcUrl());
		}
		values.put("management.server.port", "0");
		environment.getPropertySources().addFirst(new MapPropertySource("config-server-tests", values));
		// No bus unless a test asks for one: these contexts would otherwise all publish
		// and
		// consume on the shared broker's exchange (the bus is tested with the server's
		// jar in
		// sample-app's ConfigServerBusTest).
		environment.getPropertySources()
			.addLast(new MapPropertySource("config-server-tests-bus", Map.of("spring.cloud.bus.enabled", "false")));
		if (!environment.containsProperty("encrypt.key")) {
			// last, so a test's or profile's own key wins
			environment.getPropertySources()
				.addLast(new MapPropertySource("config-server-tests-key", Map.of("encrypt.key", DEMO_KEY)));
		}
	}

	/**
	 * Before config data is loaded: Spring Cloud builds its text encryptor from
	 * {@code encrypt.key} while loading config data, so the key must be there by then.
	 */
	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
