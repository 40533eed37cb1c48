package dev.tenancy.configserver.security;

import java.util.List;
import java.util.Map;

import dev.tenancy.configserver.ConfigServerProperties;

import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/**
 * The people of the local issuer ({@code tenancy.config-server.local-issuer.users}).
 * Deliberately not a bean: a {@link UserDetailsService} bean would be picked up by other
 * chains.
 */
final class LocalIssuerUsers implements UserDetailsService {

	/** The authority of a user who may be granted the console's admin scope. */
	static final String OPERATOR = "LOCAL_ISSUER_OPERATOR";

	private final Map<String, ConfigServerProperties.User> users;

	LocalIssuerUsers(Map<String, ConfigServerProperties.User> users) {
		this.users = Map.copyOf(users);
	}

	@Override
	public UserDetails loadUserByUsername(String username) {
		ConfigServerProperties.User user = (username != null) ? this.users.get(username) : null;
		if (user == null || user.password() == null || user.password().isBlank()) {
			throw new UsernameNotFoundException("No such user");
		}
		return User.withUsername(username)
			.password(user.password())
			.authorities(user.admin() ? List.of(new SimpleGrantedAuthority(OPERATOR)) : List.of())
			.build();
	}

}
