package dev.tenancy.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Enumeration;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.ClassUtils;

/**
 * Decides whether a request may use an admin endpoint. It fails closed.
 * <ul>
 * <li>A verified token with the admin scope ({@code tenancy.admin}) is allowed.</li>
 * <li>Otherwise, when no bootstrap token is configured (unset or blank), every request is
 * {@link AdminDecision#NOT_CONFIGURED}: an unset token never means "open".</li>
 * <li>No {@code X-Admin-Token} header and no other credential is
 * {@link AdminDecision#UNAUTHENTICATED}; a wrong, repeated or non-admin credential is
 * {@link AdminDecision#FORBIDDEN}.</li>
 * </ul>
 * Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, so the comparison
 * time depends on neither the content nor the length of the secret. The token is never logged
 * and never part of {@link #toString()}.
 */
public final class AdminGuard {

	/**
	 * Request attribute set to {@code Boolean.TRUE} when a request was admitted by the bootstrap
	 * token rather than an admin-scoped token, so the audit names the token, not whoever else's
	 * bearer token rode along.
	 */
	public static final String ADMITTED_BY_TOKEN_ATTRIBUTE = AdminGuard.class.getName() + ".admittedByToken";

	/** Header carrying the bootstrap admin token. */
	public static final String TOKEN_HEADER = "X-Admin-Token";

	private static final boolean SECURITY_PRESENT = ClassUtils
		.isPresent("org.springframework.security.core.context.SecurityContextHolder", AdminGuard.class.getClassLoader());

	private final byte[] tokenDigest;

	private final String scopeAuthority;

	/**
	 * Create a guard.
	 * @param token the bootstrap admin token; {@code null} or blank disables it
	 * @param scope the token scope that grants admin rights; {@code null} or blank disables it
	 */
	public AdminGuard(String token, String scope) {
		this.tokenDigest = (token == null || token.isBlank()) ? null : digest(token);
		this.scopeAuthority = (scope == null || scope.isBlank()) ? null : "SCOPE_" + scope.strip();
	}

	/**
	 * Decide for a request.
	 * @param request the request
	 * @return the decision
	 */
	public AdminDecision check(HttpServletRequest request) {
		Authentication authentication = currentAuthentication();
		if (hasAdminScope(authentication)) {
			return AdminDecision.ALLOWED;
		}
		if (this.tokenDigest == null) {
			return AdminDecision.NOT_CONFIGURED;
		}
		Enumeration<String> values = request.getHeaders(TOKEN_HEADER);
		if (values == null || !values.hasMoreElements()) {
			return (authentication != null && authentication.isAuthenticated()) ? AdminDecision.FORBIDDEN
					: AdminDecision.UNAUTHENTICATED;
		}
		String sent = values.nextElement();
		if (values.hasMoreElements() || sent == null) {
			return AdminDecision.FORBIDDEN;
		}
		if (!MessageDigest.isEqual(this.tokenDigest, digest(sent))) {
			return AdminDecision.FORBIDDEN;
		}
		request.setAttribute(ADMITTED_BY_TOKEN_ATTRIBUTE, Boolean.TRUE);
		return AdminDecision.ALLOWED;
	}

	private boolean hasAdminScope(Authentication authentication) {
		if (this.scopeAuthority == null || authentication == null || !authentication.isAuthenticated()) {
			return false;
		}
		for (GrantedAuthority authority : authentication.getAuthorities()) {
			if (this.scopeAuthority.equals(authority.getAuthority())) {
				return true;
			}
		}
		return false;
	}

	private static Authentication currentAuthentication() {
		if (!SECURITY_PRESENT) {
			return null;
		}
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || "anonymousUser".equals(authentication.getPrincipal())) {
			return null;
		}
		return authentication;
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
