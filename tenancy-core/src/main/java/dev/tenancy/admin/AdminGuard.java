package dev.tenancy.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * What makes a caller an administrator: the {@link #ADMIN_AUTHORITY} (granted by the
 * bootstrap {@code X-Admin-Token}, or by the application's own authentication) or the
 * admin scope of a verified JWT. The decision itself is taken inside Spring Security, by
 * the admin rule and the admin token authentication that the starter's security
 * configurer installs.
 * <p>
 * The bootstrap token is compared as a SHA-256 digest with {@link MessageDigest#isEqual},
 * so the comparison time depends on neither the content nor the length of the secret. The
 * token is never logged and never part of {@link #toString()}.
 */
public final class AdminGuard {

	/** Header carrying the bootstrap admin token. */
	public static final String TOKEN_HEADER = "X-Admin-Token";

	/** The authority that makes a caller an administrator. */
	public static final String ADMIN_AUTHORITY = "TENANCY_ADMIN";

	private static final AuthenticationTrustResolver TRUST = new AuthenticationTrustResolverImpl();

	private final byte[] tokenDigest;

	private final String scopeAuthority;

	/**
	 * Create a guard.
	 * @param token the bootstrap admin token; {@code null} or blank disables it
	 * @param scope the token scope that grants admin rights; {@code null} or blank
	 * disables it
	 */
	public AdminGuard(String token, String scope) {
		this.tokenDigest = (token == null || token.isBlank()) ? null : digest(token);
		this.scopeAuthority = (scope == null || scope.isBlank()) ? null : "SCOPE_" + scope.strip();
	}

	/**
	 * Whether a bootstrap token is configured.
	 * @return {@code true} when {@code X-Admin-Token} can admit a request
	 */
	public boolean tokenConfigured() {
		return this.tokenDigest != null;
	}

	/**
	 * Whether a sent value is the bootstrap token, compared in constant time.
	 * @param sent the sent value
	 * @return {@code false} when no token is configured or the value differs
	 */
	public boolean tokenMatches(String sent) {
		if (this.tokenDigest == null || sent == null) {
			return false;
		}
		return MessageDigest.isEqual(this.tokenDigest, digest(sent));
	}

	/**
	 * The authority a JWT's admin scope becomes ({@code SCOPE_<scope>}).
	 * @return the authority, or {@code null} when no admin scope is configured
	 */
	public String scopeAuthority() {
		return this.scopeAuthority;
	}

	/**
	 * Whether an authentication is an administrator's: authenticated, not anonymous, and
	 * holding {@link #ADMIN_AUTHORITY} or the admin scope.
	 * @param authentication the authentication, may be {@code null}
	 * @return whether the caller is an administrator
	 */
	public boolean isAdmin(Authentication authentication) {
		if (authentication == null || !authentication.isAuthenticated() || TRUST.isAnonymous(authentication)) {
			return false;
		}
		for (GrantedAuthority authority : authentication.getAuthorities()) {
			String name = authority.getAuthority();
			if (ADMIN_AUTHORITY.equals(name) || (this.scopeAuthority != null && this.scopeAuthority.equals(name))) {
				return true;
			}
		}
		return false;
	}

	private static byte[] digest(String value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required by every JVM", ex);
		}
	}

	@Override
	public String toString() {
		return "AdminGuard[token=" + ((this.tokenDigest != null) ? "configured" : "unset") + ", scope="
				+ this.scopeAuthority + "]";
	}

}
