package dev.tenancy.configserver.security;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
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
 * The clients are replaced as a whole when the configuration is refreshed
 * ({@link ClientsRefresher}). Each lookup returns a fresh {@link UserDetails}, because
 * Spring Security erases the credentials of the returned object after authentication.
 * Clients get {@link ServiceAuthorities#TENANT_API} unless their {@code tenant-api} is
 * {@code false}.
 */
public final class ConfigClientUserDetailsService implements UserDetailsService {

	/** Authority held by every config-server client. */
	public static final String CONFIG_CLIENT_AUTHORITY = "CONFIG_CLIENT";

	private volatile Map<String, ConfigServerProperties.Client> clients;

	/**
	 * Creates the service from validated properties.
	 * @param properties the config-server properties
	 * @throws ClientCredentialsException when the clients cannot be used (see
	 * {@link ClientCredentials#validate})
	 */
	public ConfigClientUserDetailsService(ConfigServerProperties properties) {
		this.clients = validated(properties);
	}

	private static Map<String, ConfigServerProperties.Client> validated(ConfigServerProperties properties) {
		ClientCredentials.validate(properties);
		return Map.copyOf(new LinkedHashMap<>(properties.clients()));
	}

	/**
	 * Replaces the clients (after a refresh of the configuration), if they are valid.
	 * @param properties the new properties
	 * @throws ClientCredentialsException when the new clients cannot be used; the old
	 * ones stay
	 */
	void reload(ConfigServerProperties properties) {
		this.clients = validated(properties);
	}

	/** The configured client names. */
	public Set<String> clientNames() {
		return this.clients.keySet();
	}

	/** The configured clients. */
	Map<String, ConfigServerProperties.Client> clients() {
		return this.clients;
	}

	/** Whether the named client's password is stored as {@code {noop}} plaintext. */
	boolean isPlaintext(String clientName) {
		ConfigServerProperties.Client client = this.clients.get(clientName);
		return client != null && client.password() != null && client.password().startsWith("{noop}");
	}

	@Override
	public UserDetails loadUserByUsername(String username) throws UsernameNotFoundException {
		ConfigServerProperties.Client client = (username != null) ? this.clients.get(username) : null;
		if (client == null) {
			throw new UsernameNotFoundException("Unknown config server client");
		}
		List<String> authorities = new ArrayList<>(2);
		authorities.add(CONFIG_CLIENT_AUTHORITY);
		if (client.tenantApi()) {
			authorities.add(ServiceAuthorities.TENANT_API);
		}
		return User.withUsername(username)
			.password(client.password())
			.authorities(AuthorityUtils.createAuthorityList(authorities))
			.build();
	}

}
