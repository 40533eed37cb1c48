package dev.tenancy.configserver.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tenancy.configserver.ConfigServerProperties;
import dev.tenancy.configserver.ConfigServerProperties.Client;

/**
 * Checks the configured clients before the server accepts any request. The server must
 * never run without credentials, and no password may be stored in plaintext by accident.
 */
public final class ClientCredentials {

	/**
	 * Encoding ids accepted in the {@code {id}} prefix: the strong one-way encoders of
	 * Spring Security's default {@code DelegatingPasswordEncoder}, plus {@code noop} for
	 * local development. Legacy digests (MD5, SHA-1, ...) are refused.
	 */
	public static final Set<String> SUPPORTED_ENCODINGS = Set.of("bcrypt", "pbkdf2", "pbkdf2@SpringSecurity_v5_8",
			"scrypt", "scrypt@SpringSecurity_v5_8", "argon2", "argon2@SpringSecurity_v5_8", "noop");

	/**
	 * A client name is used as the basic-auth username and will be matched against the
	 * {@code {application}} of config requests, so it is kept to a safe, path-free
	 * charset.
	 */
	private static final Pattern CLIENT_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,62}[A-Za-z0-9])?");

	/**
	 * How {@code DelegatingPasswordEncoder} reads the id: from a leading '{' to the first
	 * '}'.
	 */
	private static final Pattern ENCODING_PREFIX = Pattern.compile("\\{([^{}]*)\\}(.*)", Pattern.DOTALL);

	private static final Pattern BCRYPT_HASH = Pattern.compile("\\$2[aby]?\\$\\d\\d\\$[./0-9A-Za-z]{53}");

	static final String ACTION = """
			Configure every service that reads its configuration here as a client:
			    %s=<encoded password>
			where <name> is the service name (its basic-auth username) and the password is in Spring Security's \
			DelegatingPasswordEncoder format, for example {bcrypt}$2a$10$... (recommended) or {noop}<password> \
			(local development only). For local development, start with the 'local' profile, which carries a \
			demo credential for sample-app.""".formatted(ConfigServerProperties.passwordProperty("<name>"));

	private ClientCredentials() {
	}

	/**
	 * Validates the clients.
	 * @param properties the bound config-server properties
	 * @throws ClientCredentialsException naming every property to fix, when the clients
	 * cannot be used
	 */
	public static void validate(ConfigServerProperties properties) {
		List<ClientCredentialsException.Problem> problems = new ArrayList<>();
		Map<String, Client> clients = properties.clients();
		if (clients.isEmpty()) {
			problems.add(new ClientCredentialsException.Problem(ConfigServerProperties.passwordProperty("<name>"),
					"No config server clients are configured (" + ConfigServerProperties.PREFIX
							+ ".clients is empty), and the config server never runs without credentials"));
		}
		clients.forEach((name, client) -> check(name, client, problems));
		if (!problems.isEmpty()) {
			throw new ClientCredentialsException(problems, ACTION);
		}
	}

	private static void check(String name, Client client, List<ClientCredentialsException.Problem> problems) {
		String property = ConfigServerProperties.passwordProperty(name);
		if (name == null || !CLIENT_NAME.matcher(name).matches()) {
			problems.add(new ClientCredentialsException.Problem(property, "Client name '" + name
					+ "' is not allowed: use 1 to 64 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"));
			return;
		}
		String password = (client != null) ? client.password() : null;
		if (password == null || password.isBlank()) {
			problems.add(new ClientCredentialsException.Problem(property, "Client '" + name + "' has no password"));
			return;
		}
		Matcher prefix = ENCODING_PREFIX.matcher(password);
		if (!prefix.matches()) {
			problems.add(new ClientCredentialsException.Problem(property, "The password of client '" + name
					+ "' has no '{id}' encoding prefix; plaintext passwords are refused so that none is stored by accident"));
			return;
		}
		String id = prefix.group(1);
		String encoded = prefix.group(2);
		if (!SUPPORTED_ENCODINGS.contains(id)) {
			problems.add(new ClientCredentialsException.Problem(property, "The password of client '" + name
					+ "' uses the unsupported encoding '{" + id + "}'; use one of " + sorted(SUPPORTED_ENCODINGS)));
		}
		else if (encoded.isBlank()) {
			problems.add(new ClientCredentialsException.Problem(property,
					"The password of client '" + name + "' is empty after its '{" + id + "}' prefix"));
		}
		else if (id.equals("bcrypt") && !BCRYPT_HASH.matcher(encoded).matches()) {
			problems.add(new ClientCredentialsException.Problem(property, "The password of client '" + name
					+ "' is marked '{bcrypt}' but is not a BCrypt hash; nobody could log in with it"));
		}
	}

	private static List<String> sorted(Set<String> values) {
		return values.stream().sorted().toList();
	}

}
