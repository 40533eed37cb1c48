package dev.tenancy.web;

import java.io.IOException;
import java.util.function.BooleanSupplier;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.tenancy.TenancyError;

/**
 * Answers a denial of the admin rule on an admin path, inside Spring Security's filter
 * chain (right after its {@code ExceptionTranslationFilter}, which therefore never sees
 * it), whatever entry point or access-denied handler the application's chain has:
 * <ul>
 * <li>no admin credential mechanism at all (no bootstrap token, no JWT decoder): 503
 * {@code admin_not_configured};</li>
 * <li>no credential (anonymous): 401 {@code unauthorized} with
 * {@code WWW-Authenticate};</li>
 * <li>a credential that is not an administrator's: 403 {@code forbidden}.</li>
 * </ul>
 * Other paths' denials go on to the application's own handling, unless that handling is
 * only Spring Security's defaults
 * ({@link #useProblemDefaults(BooleanSupplier, RequestMatcher)}): then a denial of a
 * request that does not ask for HTML is answered like the starter's chain answers it, 401
 * {@code unauthorized} (anonymous) or 403 {@code forbidden} as problem+json, so that the
 * order in which an application configured its resource server and Tenancy does not
 * matter.
 */
public final class AccessDeniedProblemFilter extends OncePerRequestFilter {

	private static final Logger logger = LoggerFactory.getLogger(AccessDeniedProblemFilter.class);

	private static final AuthenticationTrustResolver TRUST = new AuthenticationTrustResolverImpl();

	private final RequestMatcher adminPaths;

	private final boolean configured;

	private final ProblemAuthenticationEntryPoint entryPoint;

	private final ProblemAccessDeniedHandler accessDeniedHandler = new ProblemAccessDeniedHandler();

	private BooleanSupplier defaultsInUse = () -> false;

	private RequestMatcher problemRequests = (request) -> false;

	/**
	 * Create the filter.
	 * @param adminPaths the admin paths
	 * @param configured whether any admin credential mechanism exists
	 */
	public AccessDeniedProblemFilter(RequestMatcher adminPaths, boolean configured) {
		this(adminPaths, configured, new ProblemAuthenticationEntryPoint());
	}

	/**
	 * Create the filter.
	 * @param adminPaths the admin paths
	 * @param configured whether any admin credential mechanism exists
	 * @param entryPoint answers anonymous denials outside the admin paths
	 */
	public AccessDeniedProblemFilter(RequestMatcher adminPaths, boolean configured,
			ProblemAuthenticationEntryPoint entryPoint) {
		this.adminPaths = adminPaths;
		this.configured = configured;
		this.entryPoint = entryPoint;
	}

	/**
	 * Answer denials outside the admin paths as problem+json too, while the chain's
	 * exception handling is Spring Security's defaults.
	 * @param defaultsInUse whether the chain's entry point is a default one (not the
	 * application's)
	 * @param problemRequests the requests to answer so (those that do not ask for HTML)
	 */
	public void useProblemDefaults(BooleanSupplier defaultsInUse, RequestMatcher problemRequests) {
		this.defaultsInUse = defaultsInUse;
		this.problemRequests = problemRequests;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		try {
			chain.doFilter(request, response);
		}
		catch (IOException | ServletException | RuntimeException ex) {
			if (!isAccessDenied(ex) || response.isCommitted()) {
				throw ex;
			}
			if (this.adminPaths.matches(request)) {
				answer(request, response);
			}
			else if (this.defaultsInUse.getAsBoolean() && this.problemRequests.matches(request)) {
				answerDefault(request, response, ex);
			}
			else {
				throw ex;
			}
		}
	}

	private void answerDefault(HttpServletRequest request, HttpServletResponse response, Exception ex)
			throws IOException {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || TRUST.isAnonymous(authentication) || !authentication.isAuthenticated()) {
			this.entryPoint.commence(request, response,
					new InsufficientAuthenticationException("Full authentication is required"));
			return;
		}
		this.accessDeniedHandler.handle(request, response, new AccessDeniedException("Access denied"));
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
