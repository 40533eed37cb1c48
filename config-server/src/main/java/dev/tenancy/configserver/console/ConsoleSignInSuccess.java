package dev.tenancy.configserver.console;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;

/**
 * After an operator signs in: the session's idle timeout becomes the console's, then the
 * page they asked for (or the tenant list).
 */
final class ConsoleSignInSuccess extends SavedRequestAwareAuthenticationSuccessHandler {

	private final int timeoutSeconds;

	ConsoleSignInSuccess(Duration sessionTimeout) {
		this.timeoutSeconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, sessionTimeout.toSeconds()));
	}

	@Override
	public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
			Authentication authentication) throws ServletException, IOException {
		request.getSession().setMaxInactiveInterval(this.timeoutSeconds);
		super.onAuthenticationSuccess(request, response, authentication);
	}

}
