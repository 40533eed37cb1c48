package dev.tenancy.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.DefaultHandlerExceptionResolver;

/**
 * Spring MVC's {@link DefaultHandlerExceptionResolver}, except that only a genuine client
 * disconnect is treated as one.
 * <p>
 * Spring's resolver takes any exception whose cause chain has an {@code EOFException} or
 * whose innermost message says "Broken pipe" or "Connection reset by peer" for a client
 * that went away, and answers it with nothing: no status set, no body, so the client that
 * is in fact still there gets <b>200 with an empty body</b>. A database connection that
 * broke while a transaction began (a {@code CannotCreateTransactionException} over the
 * driver's {@code SocketException: Broken
 * pipe}) reads exactly like that, and a write that was never stored was acknowledged.
 * Here such an exception is left to the next resolver (the starter's, which answers 503
 * {@code database_unavailable} or 500 {@code internal_error}); only an exception of the
 * container's own response stream ({@code ClientAbortException},
 * {@code AsyncRequestNotUsableException}) still counts as a disconnect.
 */
public class DisconnectAwareHandlerExceptionResolver extends DefaultHandlerExceptionResolver {

	@Override
	protected ModelAndView handleDisconnectedClientException(Exception ex, HttpServletRequest request,
			HttpServletResponse response, Object handler) {
		if (DependencyFailures.isClientDisconnect(ex)) {
			return super.handleDisconnectedClientException(ex, request, response, handler);
		}
		return null;
	}

}
