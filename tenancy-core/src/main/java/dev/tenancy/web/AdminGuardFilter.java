package dev.tenancy.web;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.filter.OncePerRequestFilter;

import dev.tenancy.TenancyError;
import dev.tenancy.admin.AdminDecision;
import dev.tenancy.admin.AdminGuard;

/**
 * Puts the {@link AdminGuard} in front of the admin paths. Runs after authentication, so a
 * verified admin-scoped token is visible to the guard.
 */
public final class AdminGuardFilter extends OncePerRequestFilter {

	private static final Logger logger = LoggerFactory.getLogger(AdminGuardFilter.class);

	private final AdminGuard guard;

	private final RequestPaths adminPaths;

	/**
	 * Create the filter.
	 * @param guard the guard
	 * @param adminPaths path patterns of admin endpoints
	 */
	public AdminGuardFilter(AdminGuard guard, List<String> adminPaths) {
		this.guard = guard;
		this.adminPaths = new RequestPaths(adminPaths);
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !this.adminPaths.matches(request);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		AdminDecision decision = this.guard.check(request);
		switch (decision) {
			case ALLOWED -> chain.doFilter(request, response);
			case NOT_CONFIGURED -> {
				logger.warn("Admin request refused: no admin credential is configured (set tenancy.admin.token "
						+ "or grant the admin scope through the token issuer)");
				ProblemResponses.write(response, TenancyError.ADMIN_NOT_CONFIGURED);
			}
			case UNAUTHENTICATED -> {
				response.setHeader("WWW-Authenticate", "Bearer");
				ProblemResponses.write(response, TenancyError.UNAUTHORIZED);
			}
			case FORBIDDEN -> {
				// The sent credential is deliberately not logged.
				logger.warn("Admin request refused: wrong or insufficient credential from {}", request.getRemoteAddr());
				ProblemResponses.write(response, TenancyError.FORBIDDEN);
			}
		}
	}

}
