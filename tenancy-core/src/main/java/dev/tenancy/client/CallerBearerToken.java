package dev.tenancy.client;

import java.util.Optional;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;

/**
 * The bearer token the current request was authenticated with (a JWT or an opaque token
 * of Spring Security's resource server), so that a downstream service checks the caller
 * itself, tenant grants included.
 */
public final class CallerBearerToken implements OutboundToken {

	@Override
	public Optional<String> token() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication instanceof AbstractOAuth2TokenAuthenticationToken<?> bearer
				&& authentication.isAuthenticated()) {
			return Optional.of(bearer.getToken().getTokenValue());
		}
		return Optional.empty();
	}

}
