package dev.tenancy.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

import dev.tenancy.TenancyError;

/**
 * The outermost safety net: an exception that escapes every other filter and handler
 * becomes a generic {@code internal_error} body with a correlation id, never the
 * container's error page with a message or stack trace. A database outage is 503
 * {@code database_unavailable} with {@code Retry-After} instead.
 */
public final class InternalErrorFilter extends OncePerRequestFilter {

	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		return false;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		try {
			chain.doFilter(request, response);
		}
		catch (Exception ex) {
			if (DependencyFailures.isDatabaseUnavailable(ex)) {
				ServiceUnavailable.answer(request, response, TenancyError.DATABASE_UNAVAILABLE, ex);
				return;
			}
			String correlationId = InternalErrors.log(request, ex);
			if (response.isCommitted()) {
				return;
			}
			response.reset();
			ProblemResponses.write(response, TenancyError.INTERNAL_ERROR, correlationId);
		}
	}

}
