package dev.tenancy.configserver.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Turns a verified service token into the service's authorities
 * ({@link ServiceAuthorities}): the scope {@code config:<application>} names the one
 * application the token may read (the authentication's name), {@code tenants:read} opens
 * the tenant API. The scopes come from {@code scope} (space separated, RFC 8693/9068) or
 * {@code scp} (a list).
 * <p>
 * A token with no {@code config:} scope, with more than one, or with one whose name is
 * not a readable application name reads no configuration at all (it is then named
 * {@code token:<sub>}, which never matches an application). No other scope grants
 * anything here: in particular none makes the caller an administrator.
 */
final class ServiceTokenAuthenticationConverter implements Converter<Jwt, AbstractAuthenticationToken> {

	@Override
	public AbstractAuthenticationToken convert(Jwt jwt) {
		Set<String> scopes = scopes(jwt);
		List<GrantedAuthority> authorities = new ArrayList<>(2);
		String application = null;
		int named = 0;
		for (String scope : scopes) {
			if (scope.startsWith(ServiceAuthorities.CONFIG_SCOPE_PREFIX)) {
				named++;
				application = scope.substring(ServiceAuthorities.CONFIG_SCOPE_PREFIX.length());
			}
		}
		String name;
		if (named == 1 && ConfigPathAuthorizationManager.APPLICATION_NAME.matcher(application).matches()) {
			authorities.add(new SimpleGrantedAuthority(ServiceAuthorities.CONFIG_CLIENT));
			name = application;
		}
		else {
			name = "token:" + jwt.getSubject();
		}
		if (scopes.contains(ServiceAuthorities.TENANTS_READ_SCOPE)) {
			authorities.add(new SimpleGrantedAuthority(ServiceAuthorities.TENANT_API));
		}
		return new JwtAuthenticationToken(jwt, authorities, name);
	}

	private static Set<String> scopes(Jwt jwt) {
		Set<String> scopes = new LinkedHashSet<>();
		Object scope = jwt.getClaims().get("scope");
		if (scope instanceof String text) {
			for (String part : text.split(" ")) {
				if (!part.isEmpty()) {
					scopes.add(part);
				}
			}
		}
		else if (scope instanceof Collection<?> list) {
			list.forEach((item) -> scopes.add(String.valueOf(item)));
		}
		Object scp = jwt.getClaims().get("scp");
		if (scp instanceof Collection<?> list) {
			list.forEach((item) -> scopes.add(String.valueOf(item)));
		}
		else if (scp instanceof String text) {
			for (String part : text.split(" ")) {
				if (!part.isEmpty()) {
					scopes.add(part);
				}
			}
		}
		return scopes;
	}

}
