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
import dev.tenancy.ratelimit.FailedAttemptThrottle;

/**
 * Puts the {@link AdminGuard} in front of the admin paths. Runs after authentication, so a
 * verified admin-scoped token is visible to the guard.
 * <p>
 * With a {@link FailedAttemptThrottle}, wrong {@code X-Admin-Token} values are throttled per
 * source address and for the token as a whole ({@value #THROTTLE_CLIENT}): once either has failed
 * too often in the window, every request that sends {@code X-Admin-Token} from that address (or at
 * all, for the token's own budget) is answered 429 {@code rate_limited} with {@code Retry-After},
 * the right token included, until the window passes. Requests admitted by an admin-scoped JWT and
 * requests without the header are never throttled or counted.
 */
public final class AdminGuardFilter extends OncePerRequestFilter {

	/** The client name of admin-token attempts in the throttle: the token is one credential. */
	public static final String THROTTLE_CLIENT = "X-Admin-Token";

	private static final Logger logger = LoggerFactory.getLogger(AdminGuardFilter.class);

	private final AdminGuard guard;

	private final RequestPaths adminPaths;

	private final FailedAttemptThrottle throttle;

	/**
	 * Create the filter without throttling.
	 * @param guard the guard
	 * @param adminPaths path patterns of admin endpoints
	 */
	public AdminGuardFilter(AdminGuard guard, List<String> adminPaths) {
		this(guard, adminPaths, null);
	}

	/**
	 * Create the filter.
	 * @param guard the guard
	 * @param adminPaths path patterns of admin endpoints
	 * @param throttle the throttle of wrong admin tokens, or {@code null} for none
	 */
	public AdminGuardFilter(AdminGuard guard, List<String> adminPaths, FailedAttemptThrottle throttle) {
		this.guard = guard;
		this.adminPaths = new RequestPaths(adminPaths);
		this.throttle = throttle;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !this.adminPaths.matches(request);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		AdminDecision decision = this.guard.check(request);
		if (this.throttle != null && isTokenAttempt(request, decision) && throttled(request, response, decision)) {
			return;
		}
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

	/**
	 * Whether the decision rested on an {@code X-Admin-Token} the request sent: admitted by it, or
	 * refused while it was sent (wrong, or repeated).
	 */
	private static boolean isTokenAttempt(HttpServletRequest request, AdminDecision decision) {
		if (request.getHeader(AdminGuard.TOKEN_HEADER) == null) {
			return false;
		}
		return (decision == AdminDecision.ALLOWED
				&& Boolean.TRUE.equals(request.getAttribute(AdminGuard.ADMITTED_BY_TOKEN_ATTRIBUTE)))
				|| decision == AdminDecision.FORBIDDEN;
	}

	/**
	 * Applies the throttle to a token attempt: refused with 429 while throttled, whatever the
	 * token; a failure is counted, and the one that passes the limit is refused with 429 too.
	 * @return whether the request was answered
	 */
	private boolean throttled(HttpServletRequest request, HttpServletResponse response, AdminDecision decision)
			throws IOException {
		String address = request.getRemoteAddr();
		FailedAttemptThrottle.Verdict verdict = this.throttle.check(THROTTLE_CLIENT, address);
		if (!verdict.throttled() && decision == AdminDecision.FORBIDDEN) {
			verdict = this.throttle.failed(THROTTLE_CLIENT, address);
		}
		if (!verdict.throttled()) {
			return false;
		}
		// The throttle logged when the budget ran out; each refusal after that is not worth a line.
		logger.debug("Admin token attempt from {} refused: too many wrong admin tokens", address);
		request.removeAttribute(AdminGuard.ADMITTED_BY_TOKEN_ATTRIBUTE);
		response.setHeader(RateLimitFilter.RETRY_AFTER_HEADER, Long.toString(verdict.retryAfterSeconds()));
		ProblemResponses.write(response, TenancyError.RATE_LIMITED);
		return true;
	}

}
