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

/**
 * The safety net behind Spring Security on the admin paths: admin access is decided
 * inside the security filter chain by the admin rule ({@link AdminAuthorizationManager}),
 * and this filter refuses, with 503 {@code admin_not_configured}, any admin request that
 * reached the application without that rule granting it: an application chain that does
 * not apply the Tenancy configurer ({@code http.with(tenancy(), withDefaults())}), or one
 * whose {@code securityMatcher} leaves the admin paths out. It never admits anyone by
 * itself.
 */
public final class AdminGuardFilter extends OncePerRequestFilter {

	private static final Logger logger = LoggerFactory.getLogger(AdminGuardFilter.class);

	private final RequestPaths adminPaths;

	/**
	 * Create the filter.
	 * @param adminPaths path patterns of admin endpoints
	 */
	public AdminGuardFilter(List<String> adminPaths) {
		this.adminPaths = new RequestPaths(adminPaths);
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !this.adminPaths.matches(request);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (Boolean.TRUE.equals(request.getAttribute(AdminAuthorizationManager.GRANTED_ATTRIBUTE))) {
			chain.doFilter(request, response);
			return;
		}
		logger.error("Admin request to {} reached the application without the Tenancy admin rule: apply "
				+ "http.with(TenancyHttpConfigurer.tenancy(), withDefaults()) to the security filter chain that "
				+ "serves the admin paths (tenancy.admin.paths)", request.getRequestURI());
		ProblemResponses.write(response, TenancyError.ADMIN_NOT_CONFIGURED);
	}

}
