package dev.tenancy.test;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Puts verified-looking JWT authentications in the {@link SecurityContextHolder}, as
 * Spring Security's resource server does after decoding a token. Tests must call
 * {@link #clear()} after each test.
 */
public final class TestAuthentication {

	private TestAuthentication() {
	}

	/**
	 * An authenticated JWT with the given claims.
	 * @param claims the claims (besides {@code sub}, {@code iat}, {@code exp})
	 * @param authorities granted authorities such as {@code SCOPE_read}
	 * @return the authentication
	 */
	public static JwtAuthenticationToken jwt(Map<String, Object> claims, String... authorities) {
		Jwt.Builder builder = Jwt.withTokenValue("token")
			.header("alg", "RS256")
			.subject("user-1")
			.issuedAt(Instant.now())
			.expiresAt(Instant.now().plusSeconds(300));
		claims.forEach(builder::claim);
		return new JwtAuthenticationToken(builder.build(), AuthorityUtils.createAuthorityList(authorities));
	}

	/**
	 * Authenticate the current thread with a JWT.
	 * @param claims the claims
	 * @param authorities the authorities
	 */
	public static void signIn(Map<String, Object> claims, String... authorities) {
		SecurityContextHolder.setContext(new SecurityContextImpl(jwt(claims, authorities)));
	}

	/**
	 * Authenticate with a token that carries {@code tenant_id}.
	 * @param tenant the claim value
	 */
	public static void signInAs(String tenant) {
		signIn(Map.of("tenant_id", tenant), "SCOPE_read");
	}

	/**
	 * Authenticate with a token that carries the {@code tenants} list claim.
	 * @param tenants the claim values
	 */
	public static void signInForAll(String... tenants) {
		signIn(Map.of("tenants", Arrays.asList(tenants)), "SCOPE_read");
	}

	/** Authenticate with a token that grants no tenant. */
	public static void signInWithoutTenant() {
		signIn(Map.of(), "SCOPE_read");
	}

	/** Clear the security context. */
	public static void clear() {
		SecurityContextHolder.clearContext();
	}

}
