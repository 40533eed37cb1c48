package dev.tenancy.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.access.AccessDeniedHandler;

import dev.tenancy.TenancyError;

/**
 * Answers an authenticated caller without the needed authority with 403 {@code forbidden}
 * as problem+json.
 */
public final class ProblemAccessDeniedHandler implements AccessDeniedHandler {

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response,
			AccessDeniedException accessDeniedException) throws IOException {
		ProblemResponses.write(response, TenancyError.FORBIDDEN);
	}

}
