package dev.tenancy.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.tenancy.TenancyError;

/**
 * Answers a denial of the admin rule on an admin path, inside Spring Security's filter chain
 * (right after its {@code ExceptionTranslationFilter}, which therefore never sees it), whatever
 * entry point or access-denied handler the application's chain has:
 * <ul>
 * <li>no admin credential mechanism at all (no bootstrap token, no JWT decoder): 503
 * {@code admin_not_configured};</li>
 * <li>no credential (anonymous): 401 {@code unauthorized} with {@code WWW-Authenticate};</li>
 * <li>a credential that is not an administrator's: 403 {@code forbidden}.</li>
 * </ul>
 * Other paths' denials go on to the application's own handling.
 */
public final class AdminAccessDeniedFilter extends OncePerRequestFilter {

	private static final Logger logger = LoggerFactory.getLogger(AdminAccessDeniedFilter.class);

	private static final AuthenticationTrustResolver TRUST = new AuthenticationTrustResolverImpl();

	private final RequestMatcher adminPaths;

	private final boolean configured;

	/**
	 * Create the filter.
	 * @param adminPaths the admin paths
	 * @param configured whether any admin credential mechanism exists
	 */
	public AdminAccessDeniedFilter(RequestMatcher adminPaths, boolean configured) {
		this.adminPaths = adminPaths;
		this.configured = configured;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		try {
			chain.doFilter(request, response);
		}
		catch (IOException | ServletException | RuntimeException ex) {
			if (!isAccessDenied(ex) || response.isCommitted() || !this.adminPaths.matches(request)) {
				throw ex;
			}
			answer(request, response);
		}
	}

	private void answer(HttpServletRequest request, HttpServletResponse response) throws IOException {
		if (!this.configured) {
			logger.warn("Admin request refused: no admin credential is configured (set tenancy.admin.token "
					+ "or configure a JWT decoder and grant the admin scope through the token issuer)");
			ProblemResponses.write(response, TenancyError.ADMIN_NOT_CONFIGURED);
			return;
		}
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || TRUST.isAnonymous(authentication) || !authentication.isAuthenticated()) {
			response.setHeader("WWW-Authenticate", "Bearer");
			ProblemResponses.write(response, TenancyError.UNAUTHORIZED);
			return;
		}
		logger.warn("Admin request refused: insufficient credential from {}", request.getRemoteAddr());
		ProblemResponses.write(response, TenancyError.FORBIDDEN);
	}

	private static boolean isAccessDenied(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof AccessDeniedException) {
				return true;
			}
		}
		return false;
	}

}
