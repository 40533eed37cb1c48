package dev.tenancy.configserver;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the config server itself, under {@code tenancy.config-server}.
 *
 * @param clients Services allowed to read configuration, keyed by client (service) name.
 * The name is the HTTP basic username and the only application whose configuration that
 * client may read (it must match {@code [a-z0-9][a-z0-9-]{0,62}} to read anything). At
 * least one client is required: the server refuses to start without one.
 */
@ConfigurationProperties("tenancy.config-server")
public record ConfigServerProperties(Map<String, Client> clients) {

	/** The property prefix, for messages that tell operators what to set. */
	public static final String PREFIX = "tenancy.config-server";

	public ConfigServerProperties {
		clients = (clients == null) ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(clients));
	}

	/**
	 * The property that holds the password of the named client.
	 * @param clientName a client name, or a placeholder such as {@code <name>}
	 * @return for example {@code tenancy.config-server.clients.sample-app.password}
	 */
	public static String passwordProperty(String clientName) {
		return PREFIX + ".clients." + clientName + ".password";
	}

	/**
	 * One service that may read configuration.
	 *
	 * @param password Client password in Spring Security's
	 * {@code DelegatingPasswordEncoder} format: {@code {bcrypt}$2a$10$...} (recommended),
	 * {@code {pbkdf2}...}, {@code {scrypt}...}, {@code {argon2}...}, or
	 * {@code {noop}plaintext} for local development only. A value without a {@code {id}}
	 * prefix is rejected at startup so that nobody stores a plaintext password by
	 * accident.
	 */
	public record Client(String password) {

		/** Never reveals the password, not even encoded. */
		@Override
		public String toString() {
			return "Client[password=" + ((password == null || password.isBlank()) ? "<unset>" : "<redacted>") + "]";
		}
	}
}
