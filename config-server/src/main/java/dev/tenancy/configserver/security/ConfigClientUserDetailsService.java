package dev.tenancy.configserver.security;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.tenancy.configserver.ConfigServerProperties;

import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/**
 * The config-server clients as users: the client name is the username, matched exactly
 * (case sensitive, so it can later be compared with the requested {@code {application}}),
 * and the encoded password comes from
 * {@code tenancy.config-server.clients.<name>.password}.
 *
 * <p>
 * Immutable. Each lookup returns a fresh {@link UserDetails}, because Spring Security
 * erases the credentials of the returned object after authentication.
 */
public final class ConfigClientUserDetailsService implements UserDetailsService {

	/** Authority held by every config-server client. */
	public static final String CONFIG_CLIENT_AUTHORITY = "CONFIG_CLIENT";

	private final Map<String, String> encodedPasswords;

	/**
	 * Creates the service from validated properties.
	 * @param properties the config-server properties
	 * @throws ClientCredentialsException when the clients cannot be used (see
	 * {@link ClientCredentials#validate})
	 */
	public ConfigClientUserDetailsService(ConfigServerProperties properties) {
		ClientCredentials.validate(properties);
		Map<String, String> passwords = new LinkedHashMap<>();
		properties.clients().forEach((name, client) -> passwords.put(name, client.password()));
		this.encodedPasswords = Map.copyOf(passwords);
	}

	/** The configured client names. */
	public Set<String> clientNames() {
		return encodedPasswords.keySet();
	}

	/** Whether the named client's password is stored as {@code {noop}} plaintext. */
	boolean isPlaintext(String clientName) {
		String password = encodedPasswords.get(clientName);
		return password != null && password.startsWith("{noop}");
	}

	@Override
	public UserDetails loadUserByUsername(String username) throws UsernameNotFoundException {
		String password = (username != null) ? encodedPasswords.get(username) : null;
		if (password == null) {
			throw new UsernameNotFoundException("Unknown config server client");
		}
		return User.withUsername(username)
			.password(password)
			.authorities(AuthorityUtils.createAuthorityList(CONFIG_CLIENT_AUTHORITY))
			.build();
	}

}
