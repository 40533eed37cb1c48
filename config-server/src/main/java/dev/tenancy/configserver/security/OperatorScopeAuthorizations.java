package dev.tenancy.configserver.security;

import java.security.Principal;
import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * The local issuer's authorizations, with the console's admin scope granted to operators
 * only. Spring Authorization Server grants a client every scope it asks for and is
 * registered for; who the person is does not enter into it. Here, before an authorization
 * is stored (and so before its code can be exchanged), the admin scope is removed unless
 * the person who signed in is an operator: someone else still signs in, and the console
 * then shows them its refusal page.
 */
final class OperatorScopeAuthorizations implements OAuth2AuthorizationService {

	private final OAuth2AuthorizationService delegate;

	private final String adminScope;

	OperatorScopeAuthorizations(OAuth2AuthorizationService delegate, String adminScope) {
		this.delegate = delegate;
		this.adminScope = adminScope;
	}

	@Override
	public void save(OAuth2Authorization authorization) {
		Set<String> scopes = authorization.getAuthorizedScopes();
		if (scopes.contains(this.adminScope) && !isOperator(authorization)) {
			Set<String> granted = new LinkedHashSet<>(scopes);
			granted.remove(this.adminScope);
			authorization = OAuth2Authorization.from(authorization).authorizedScopes(granted).build();
		}
		this.delegate.save(authorization);
	}

	private static boolean isOperator(OAuth2Authorization authorization) {
		Object principal = authorization.getAttribute(Principal.class.getName());
		return principal instanceof Authentication person && person.getAuthorities()
			.stream()
			.anyMatch((authority) -> LocalIssuerUsers.OPERATOR.equals(authority.getAuthority()));
	}

	@Override
	public void remove(OAuth2Authorization authorization) {
		this.delegate.remove(authorization);
	}

	@Override
	public OAuth2Authorization findById(String id) {
		return this.delegate.findById(id);
	}

	@Override
	public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
		return this.delegate.findByToken(token, tokenType);
	}

}
