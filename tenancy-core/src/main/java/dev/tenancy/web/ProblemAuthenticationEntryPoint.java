package dev.tenancy.web;

import java.io.IOException;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

import dev.tenancy.TenancyError;
import dev.tenancy.security.IdentityProviderUnavailableException;

/**
 * Answers a missing or invalid bearer token with 401 {@code unauthorized} as
 * problem+json, and a token that cannot be checked because the identity provider cannot
 * be reached with 503 {@code identity_provider_unavailable} and {@code Retry-After}.
 * <p>
 * The {@code WWW-Authenticate} challenge (RFC 6750) is written here rather than by Spring
 * Security's {@code BearerTokenAuthenticationEntryPoint}, which would add an
 * {@code error_description} spelling out why a token failed ("Jwt expired at ...",
 * "Invalid signature", ...) and a {@code resource_metadata} URL built from the request's
 * {@code Host} header. Here the challenge carries only the error code, and
 * {@code resource_metadata} only when the resource's base URL is configured.
 */
public final class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint {

	private static final Set<String> ERROR_CODES = Set.of("invalid_request", "invalid_token", "insufficient_scope");

	private final String resourceMetadataUrl;

	/**
	 * An entry point that publishes no resource metadata URL.
	 */
	public ProblemAuthenticationEntryPoint() {
		this(null);
	}

	/**
	 * An entry point that names the protected resource metadata in its challenge.
	 * @param resourceMetadataUrl the absolute URL of the resource's
	 * {@code /.well-known/oauth-protected-resource}, or {@code null} for none
	 */
	public ProblemAuthenticationEntryPoint(String resourceMetadataUrl) {
		if (resourceMetadataUrl != null && (resourceMetadataUrl.indexOf('"') >= 0
				|| resourceMetadataUrl.chars().anyMatch((c) -> c < 0x20 || c > 0x7e))) {
			throw new IllegalArgumentException("resource metadata URL must be printable ASCII without quotes");
		}
		this.resourceMetadataUrl = resourceMetadataUrl;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException authException) throws IOException {
		if (authException instanceof IdentityProviderUnavailableException unavailable) {
			long seconds = Math.max(1, (unavailable.retryAfter().toMillis() + 999) / 1000);
			response.setHeader(RateLimitFilter.RETRY_AFTER_HEADER, Long.toString(seconds));
			ProblemResponses.write(response, TenancyError.IDENTITY_PROVIDER_UNAVAILABLE);
			return;
		}
		response.setHeader("WWW-Authenticate", challenge(authException));
		ProblemResponses.write(response, TenancyError.UNAUTHORIZED);
	}

	private String challenge(AuthenticationException authException) {
		StringBuilder challenge = new StringBuilder("Bearer");
		String separator = " ";
		if (authException instanceof OAuth2AuthenticationException oauth2) {
			String code = oauth2.getError().getErrorCode();
			challenge.append(separator)
				.append("error=\"")
				.append(ERROR_CODES.contains(code) ? code : "invalid_token")
				.append('"');
			separator = ", ";
		}
		if (this.resourceMetadataUrl != null) {
			challenge.append(separator).append("resource_metadata=\"").append(this.resourceMetadataUrl).append('"');
		}
		return challenge.toString();
	}

}
