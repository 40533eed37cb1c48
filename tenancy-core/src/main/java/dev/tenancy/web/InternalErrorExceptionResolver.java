package dev.tenancy.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

import dev.tenancy.TenancyError;

/**
 * Turns any exception that no other resolver handled into a generic
 * {@code internal_error} body, or, when the database could not be reached, into 503
 * {@code database_unavailable} with {@code Retry-After}. It runs last, so Spring MVC's
 * own answers (400 for a bad body, 405, 415, ...) are kept; and it runs inside the tenant
 * scope, so the log line carries the tenant and trace ids.
 */
public final class InternalErrorExceptionResolver implements HandlerExceptionResolver, Ordered {

	@Override
	public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
			Exception ex) {
		if (isSecurityException(ex)) {
			// Left to Spring Security's ExceptionTranslationFilter, which answers 401 or
			// 403.
			return null;
		}
		if (DependencyFailures.isDatabaseUnavailable(ex)) {
			try {
				ServiceUnavailable.answer(request, response, TenancyError.DATABASE_UNAVAILABLE, ex);
			}
			catch (IOException | IllegalStateException writeFailure) {
				return null;
			}
			return new ModelAndView();
		}
		String correlationId = InternalErrors.log(request, ex);
		try {
			response.reset();
			ProblemResponses.write(response, TenancyError.INTERNAL_ERROR, correlationId);
		}
		catch (IOException | IllegalStateException writeFailure) {
			return null;
		}
		return new ModelAndView();
	}

	private static boolean isSecurityException(Throwable ex) {
		for (Class<?> type = ex.getClass(); type != null; type = type.getSuperclass()) {
			String name = type.getName();
			if (name.equals("org.springframework.security.access.AccessDeniedException")
					|| name.equals("org.springframework.security.core.AuthenticationException")) {
				return true;
			}
		}
		return false;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
