package dev.tenancy.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;

import dev.tenancy.TenancyError;

/**
 * Answers a missing or invalid bearer token with 401 {@code unauthorized} as problem+json, keeping
 * the standard {@code WWW-Authenticate} header (RFC 6750) from Spring Security's entry point.
 */
public final class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint {

	private final BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException authException) throws IOException {
		this.bearer.commence(request, response, authException);
		ProblemResponses.write(response, TenancyError.UNAUTHORIZED);
	}

}
