package dev.tenancy.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.tenancy.TenancyError;

/**
 * Answers the container's error page (Spring Boot's {@code /error}) with problem+json:
 * every {@code sendError} and every exception that reached the container (Spring
 * Security's 401/403 of a chain without problem handlers, Spring MVC's 404/405/406/415,
 * Tomcat's 405 for {@code TRACE}) gets the fixed body of its status
 * ({@link ErrorStatuses}) with the security headers, never the path, message or exception
 * the error came with. Headers the error was sent with ({@code WWW-Authenticate},
 * {@code Allow}) are kept.
 * <p>
 * The error page requested directly is 404 {@code not_found}: it is not a resource. Map
 * this filter to the error page path only, for the {@code REQUEST} and {@code ERROR}
 * dispatches, ahead of Spring Security, whose decision was already taken on the request
 * that failed.
 */
public final class ErrorPageProblemFilter implements Filter {

	@Override
	public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
			throws IOException, ServletException {
		if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
			chain.doFilter(req, res);
			return;
		}
		if (request.getDispatcherType() == DispatcherType.ERROR) {
			answerError(request, response);
		}
		else if (request.getDispatcherType() == DispatcherType.REQUEST) {
			write(response, TenancyError.NOT_FOUND, null);
		}
		else {
			chain.doFilter(request, response);
		}
	}

	private static void answerError(HttpServletRequest request, HttpServletResponse response) throws IOException {
		Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
		Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		TenancyError error = (exception instanceof Throwable) ? TenancyError.INTERNAL_ERROR
				: ErrorStatuses.problemFor((status instanceof Integer code) ? code : 500);
		String correlationId = null;
		if (error == TenancyError.INTERNAL_ERROR) {
			Throwable cause = (exception instanceof Throwable thrown) ? thrown
					: new IllegalStateException("Error status " + status + " without an exception");
			correlationId = InternalErrors.log(request, cause);
		}
		write(response, error, correlationId);
	}

	private static void write(HttpServletResponse response, TenancyError error, String correlationId)
			throws IOException {
		if (response.isCommitted()) {
			return;
		}
		if (error.status() == 503 && !response.containsHeader("Retry-After")) {
			response.setHeader("Retry-After", "5");
		}
		try {
			ProblemResponses.write(response, error, correlationId);
		}
		catch (IllegalStateException writerInUse) {
			// The failed request had already asked for the writer: the same body, through
			// it.
			response.getWriter().write(new String(ProblemResponses.body(error, correlationId), StandardCharsets.UTF_8));
			response.flushBuffer();
		}
	}

}
