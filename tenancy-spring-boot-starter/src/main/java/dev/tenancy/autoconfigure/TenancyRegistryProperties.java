package dev.tenancy.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where tenants come from and how they are cached.
 *
 * @param source The registry: properties (tenancy.tenants.*, the default), jdbc (the
 * PostgreSQL registry), files (a directory of tenant YAML files, read-only) or
 * config-server (the config server's tenant API, over HTTP); any case, with dashes or
 * underscores. Tenants in tenancy.tenants.* are ignored (with a warning) by the other
 * sources.
 * @param jdbc The PostgreSQL registry.
 * @param files Tenant YAML files: the whole registry with source=files, or beside the
 * database with source=jdbc (dual mode: a tenant with no row, or whose row says file, is
 * read from its file).
 * @param cache The in-memory cache in front of the jdbc and config-server registries.
 * @param configServer The config server's tenant API, with source=config-server.
 * @param secrets Per-tenant secrets (such as a tenant's inbound e-mail signing key),
 * stored encrypted in the PostgreSQL registry.
 */
@ConfigurationProperties("tenancy.registry")
public record TenancyRegistryProperties(@DefaultValue("properties") Source source, @DefaultValue Jdbc jdbc,
		@DefaultValue Files files, @DefaultValue Cache cache, @DefaultValue ConfigServer configServer,
		@DefaultValue Secrets secrets) {

	/**
	 * The kinds of registry.
	 */
	public enum Source {

		/** Tenants from {@code tenancy.tenants.*}. */
		PROPERTIES,

		/** The PostgreSQL registry. */
		JDBC,

		/** A directory of tenant YAML files. */
		FILES,

		/** The config server's tenant API, cached, following its changes feed. */
		CONFIG_SERVER

	}

	/**
	 * The PostgreSQL registry.
	 *
	 * @param schema The schema holding the registry tables (and its own Flyway history
	 * table).
	 * @param migrate Whether to apply the registry's migrations at start-up, through
	 * Spring Boot's Flyway as its owner role (spring.flyway.user, after the application's
	 * own migrations), and grant the application's role its privileges on the registry;
	 * needs spring-boot-starter-flyway. Turn off to migrate the registry yourself.
	 * @param listen Whether to listen for changes made by other instances
	 * (LISTEN/NOTIFY).
	 */
	public record Jdbc(@DefaultValue("tenancy") String schema, @DefaultValue("true") boolean migrate,
			@DefaultValue("true") boolean listen) {

	}

	/**
	 * Tenant YAML files.
	 *
	 * @param directory The directory of tenant files, one per tenant, named after the
	 * tenant id (acme.yaml).
	 */
	public record Files(Path directory) {

	}

	/**
	 * The tenant cache.
	 *
	 * @param maximumSize Most tenants kept in memory.
	 * @param timeToLive Longest time a cached answer is used without asking the registry
	 * again (changes normally arrive within a second through NOTIFY).
	 * @param lastKnownGood How long a cached tenant is still served while the registry
	 * (its database or the config server) is unreachable; lookups of tenants not cached
	 * then get 503.
	 */
	public record Cache(@DefaultValue("10000") long maximumSize, @DefaultValue("10m") Duration timeToLive,
			@DefaultValue("15m") Duration lastKnownGood) {

	}

	/**
	 * The config server's tenant API ({@code GET {url}/tenants/{id}} and its changes
	 * feed).
	 *
	 * @param url The config server's base URL, such as http://config-server:8888;
	 * required with source=config-server; credentials go in username and password, not
	 * here.
	 * @param username The client name for HTTP basic authentication on the config server.
	 * @param password The client password for HTTP basic authentication (never logged).
	 * @param connectTimeout Longest wait for a connection to the config server.
	 * @param readTimeout Longest wait for an answer from the config server.
	 * @param pollInterval Time between polls of the changes feed while changes are not
	 * pushed (no bus, or the bus disconnected); a change reaches the cache within about
	 * this interval.
	 * @param sslBundle Name of the SSL bundle (spring.ssl.bundle.*) whose trust material
	 * (and key, for mutual TLS) the client uses for an https URL; the JDK's trust store
	 * when unset.
	 * @param bus Tenant changes pushed over Spring Cloud Bus.
	 */
	public record ConfigServer(URI url, String username, String password, @DefaultValue("1s") Duration connectTimeout,
			@DefaultValue("2s") Duration readTimeout, @DefaultValue("500ms") Duration pollInterval, String sslBundle,
			@DefaultValue Bus bus) {

		@Override
		public String toString() {
			return "ConfigServer[url=" + this.url + ", username=" + this.username + ", password="
					+ ((this.password != null) ? "******" : null) + ", connectTimeout=" + this.connectTimeout
					+ ", readTimeout=" + this.readTimeout + ", pollInterval=" + this.pollInterval + ", sslBundle="
					+ this.sslBundle + ", bus=" + this.bus + "]";
		}

	}

	/**
	 * Tenant changes pushed by the config server over Spring Cloud Bus (with
	 * spring-cloud-starter-bus-amqp on the class path and spring.cloud.bus.enabled not
	 * false); the changes feed stays the catch-up path.
	 *
	 * @param enabled Whether to apply tenant change events from the bus.
	 * @param safetyPollInterval Time between polls of the changes feed while the bus is
	 * connected: the longest a change lost on the broker (or suppressed by whoever can
	 * publish there) takes to arrive.
	 */
	public record Bus(@DefaultValue("true") boolean enabled, @DefaultValue("30s") Duration safetyPollInterval) {

	}

	/**
	 * Per-tenant secrets in the PostgreSQL registry, encrypted with AES-256-GCM before
	 * they are stored. Without a key the feature is off: setting or reading a secret
	 * fails, saying so; nothing is ever stored in plain text.
	 *
	 * @param key The key new secrets are encrypted with: 32 random bytes, base64 (openssl
	 * rand -base64 32). Never logged; keep it out of the database it protects.
	 * @param keyId The id stored with each secret to name the key that encrypted it;
	 * change it whenever the key changes.
	 * @param previousKeys Earlier keys by their id (base64), still used to decrypt
	 * secrets written before a rotation until they are re-encrypted.
	 */
	public record Secrets(String key, @DefaultValue("1") String keyId, Map<String, String> previousKeys) {

		public Secrets {
			previousKeys = (previousKeys != null) ? Map.copyOf(previousKeys) : Map.of();
		}

		@Override
		public String toString() {
			return "Secrets[key=" + ((this.key != null) ? "******" : null) + ", keyId=" + this.keyId + ", previousKeys="
					+ this.previousKeys.keySet() + "]";
		}

	}

}
