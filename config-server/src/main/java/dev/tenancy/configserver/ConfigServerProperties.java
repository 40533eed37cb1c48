package dev.tenancy.configserver;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the config server itself, under {@code tenancy.config-server}.
 *
 * @param clients Services allowed to read configuration, keyed by client (service) name.
 * The name is the HTTP basic username and the only application whose configuration that
 * client may read (it must match {@code [a-z0-9][a-z0-9-]{0,62}} to read anything). At
 * least one client is required: the server refuses to start without one.
 * @param token Service authentication by OAuth 2.0 access tokens (client credentials)
 * from the platform's issuer. Off while {@code token.issuer-uri} is unset (and the local
 * issuer is off).
 * @param basicCache How long HTTP basic credentials, once verified, are remembered, so
 * the password hash is checked once per credential per period.
 * @param failedAttempts Throttling of wrong HTTP basic credentials.
 * @param localIssuer A client-credentials token endpoint in the config server itself, for
 * local development only (the {@code local} profile turns it on).
 */
@ConfigurationProperties("tenancy.config-server")
public record ConfigServerProperties(Map<String, Client> clients, @DefaultValue Token token,
		@DefaultValue BasicCache basicCache, @DefaultValue FailedAttempts failedAttempts,
		@DefaultValue LocalIssuer localIssuer) {

	/** The property prefix, for messages that tell operators what to set. */
	public static final String PREFIX = "tenancy.config-server";

	@ConstructorBinding
	public ConfigServerProperties {
		clients = (clients == null) ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(clients));
		token = (token != null) ? token : new Token(null, null, "config-server", Duration.ofSeconds(30), 4096);
		basicCache = (basicCache != null) ? basicCache : new BasicCache(Duration.ofMinutes(5), 1000);
		failedAttempts = (failedAttempts != null) ? failedAttempts : new FailedAttempts(10, 20, Duration.ofMinutes(1));
		localIssuer = (localIssuer != null) ? localIssuer
				: new LocalIssuer(false, URI.create("http://localhost:8888"), Duration.ofMinutes(15), null, null);
	}

	/**
	 * Clients only, every other setting at its default.
	 * @param clients the clients
	 */
	public ConfigServerProperties(Map<String, Client> clients) {
		this(clients, null, null, null, null);
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
	 * @param tenantApi Whether this client may read the tenant API ({@code /tenants/**});
	 * a token needs the scope {@code tenants:read} for it.
	 */
	public record Client(String password, @DefaultValue("true") boolean tenantApi) {

		@ConstructorBinding
		public Client {
		}

		/**
		 * A client that may read the tenant API.
		 * @param password the encoded password
		 */
		public Client(String password) {
			this(password, true);
		}

		/** Never reveals the password, not even encoded. */
		@Override
		public String toString() {
			return "Client[password=" + ((password == null || password.isBlank()) ? "<unset>" : "<redacted>")
					+ ", tenantApi=" + tenantApi + "]";
		}
	}

	/**
	 * Service authentication by access token.
	 *
	 * @param issuerUri The issuer whose tokens are accepted (the {@code iss} claim must
	 * equal it). Setting it turns token authentication on. Its keys come from
	 * {@code jwk-set-uri}, or else from the issuer's discovery document.
	 * @param jwkSetUri The issuer's JWK set; keys are cached (5 minutes, at most one
	 * fetch per 30 s, kept for an hour of issuer outage).
	 * @param audience The audience ({@code aud}) every token must name.
	 * @param clockSkew Tolerated clock difference for {@code exp} and {@code nbf}.
	 * @param maxLength Longest token accepted, in characters; longer ones are refused
	 * unread.
	 */
	public record Token(URI issuerUri, URI jwkSetUri, @DefaultValue("config-server") String audience,
			@DefaultValue("30s") Duration clockSkew, @DefaultValue("4096") int maxLength) {

		/** Whether token authentication is configured. */
		public boolean enabled() {
			return this.issuerUri != null;
		}

	}

	/**
	 * Remembered HTTP basic credentials.
	 *
	 * @param timeToLive How long a verified credential is remembered (0 turns the cache
	 * off). A changed or removed password stops working within this time at the latest.
	 * @param maximumSize Most credentials remembered.
	 */
	public record BasicCache(@DefaultValue("5m") Duration timeToLive, @DefaultValue("1000") long maximumSize) {
	}

	/**
	 * Throttling of wrong HTTP basic credentials, counted by the starter's failed-attempt
	 * limiter (in Redis when the server has one, else in this instance).
	 *
	 * @param perAddress Wrong credentials per source address per window; then 429.
	 * @param perClient Wrong credentials per client name per window; then 429.
	 * @param window The window; a throttled caller waits until it passes.
	 */
	public record FailedAttempts(@DefaultValue("10") long perAddress, @DefaultValue("20") long perClient,
			@DefaultValue("1m") Duration window) {
	}

	/**
	 * The local development issuer.
	 *
	 * @param enabled Whether the config server issues client-credentials tokens itself
	 * ({@code POST /oauth2/token}); for local development only.
	 * @param issuer The {@code iss} of the tokens it issues (and, when
	 * {@code token.issuer-uri} is unset, the one accepted).
	 * @param tokenTimeToLive Lifetime of the tokens it issues.
	 * @param users People who may sign in at the local issuer (its login page,
	 * {@code /issuer/login}) to use the operator console, keyed by user name. Only users
	 * with {@code admin=true} are granted the console's admin scope.
	 * @param consoleClient The operator console as a client of the local issuer
	 * (authorization code with PKCE).
	 */
	public record LocalIssuer(@DefaultValue("false") boolean enabled, @DefaultValue("http://localhost:8888") URI issuer,
			@DefaultValue("15m") Duration tokenTimeToLive, Map<String, User> users,
			@DefaultValue ConsoleClient consoleClient) {

		@ConstructorBinding
		public LocalIssuer {
			users = (users == null) ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(users));
			consoleClient = (consoleClient != null) ? consoleClient : new ConsoleClient("tenancy-console", null);
		}

		/**
		 * The issuer with its first three settings, no users and no console client
		 * secret.
		 * @param enabled whether it is on
		 * @param issuer its {@code iss}
		 * @param tokenTimeToLive the lifetime of its tokens
		 */
		public LocalIssuer(boolean enabled, URI issuer, Duration tokenTimeToLive) {
			this(enabled, issuer, tokenTimeToLive, null, null);
		}

	}

	/**
	 * A person who signs in at the local issuer.
	 *
	 * @param password The password, encoded like a client's ({@code {bcrypt}...}).
	 * @param admin Whether the user is an operator: only operators are granted the
	 * console's admin scope ({@code tenancy.config-server.console.admin-scope}).
	 */
	public record User(String password, @DefaultValue("false") boolean admin) {

		/** Never reveals the password, not even encoded. */
		@Override
		public String toString() {
			return "User[password=<redacted>, admin=" + this.admin + "]";
		}

	}

	/**
	 * The operator console's registration at the local issuer. Its redirect URI is the
	 * issuer's address followed by {@code /console/login/oauth2/code/console}: in local
	 * development the console and the issuer are the same server.
	 *
	 * @param clientId The console's client id.
	 * @param secret The console's client secret, encoded ({@code {bcrypt}...}); the
	 * console is not registered while it is unset.
	 */
	public record ConsoleClient(@DefaultValue("tenancy-console") String clientId, String secret) {

		/** Never reveals the secret, not even encoded. */
		@Override
		public String toString() {
			return "ConsoleClient[clientId=" + this.clientId + ", secret="
					+ ((this.secret == null || this.secret.isBlank()) ? "<unset>" : "<redacted>") + "]";
		}

	}

}
