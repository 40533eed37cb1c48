package dev.tenancy.web;

import java.io.IOException;
import java.util.Enumeration;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.util.matcher.RequestMatcher;

import dev.tenancy.TenancyError;
import dev.tenancy.admin.AdminGuard;
import dev.tenancy.ratelimit.FailedAttemptThrottle;

/**
 * The bootstrap {@code X-Admin-Token} as a Spring Security authentication: an
 * {@link AuthenticationFilter} on the admin paths with its own private
 * {@link ProviderManager} (no provider, manager, converter or resolver bean is published,
 * so the application's own authentication wiring is untouched). A right token yields an
 * authentication with the {@link AdminGuard#ADMIN_AUTHORITY}; a wrong or repeated one is
 * a {@link BadCredentialsException}, answered 403 {@code forbidden}. A request without
 * the header passes on unauthenticated by this filter.
 * <p>
 * With a {@link FailedAttemptThrottle}, wrong tokens are counted per source address and
 * for the token as a whole ({@value #THROTTLE_CLIENT}): once either has failed too often
 * in the window, every request that sends {@code X-Admin-Token} from that address (or at
 * all, for the token's own budget) is answered 429 {@code rate_limited} with
 * {@code Retry-After}, the right token included, until the window passes. Requests
 * without the header are never counted.
 */
public final class AdminTokenAuthentication {

	/**
	 * The client name of admin-token attempts in the throttle: the token is one
	 * credential.
	 */
	public static final String THROTTLE_CLIENT = "X-Admin-Token";

	/**
	 * The name of the actor the bootstrap token authenticates, as the audit records it.
	 */
	public static final String ACTOR = "admin-token";

	private static final Logger logger = LoggerFactory.getLogger(AdminTokenAuthentication.class);

	private static final AuthenticationTrustResolver TRUST = new AuthenticationTrustResolverImpl();

	private AdminTokenAuthentication() {
	}

	/**
	 * The filter that authenticates {@code X-Admin-Token} on the admin paths.
	 * @param guard checks the token
	 * @param adminPaths the admin paths; the header is ignored elsewhere
	 * @param throttle the throttle of wrong tokens, or {@code null} for none
	 * @return the filter, to be added to a security filter chain after its bearer token
	 * filter
	 */
	public static AuthenticationFilter filter(AdminGuard guard, RequestMatcher adminPaths,
			FailedAttemptThrottle throttle) {
		ProviderManager manager = new ProviderManager(List.of(new Provider(guard, throttle)));
		manager.setEraseCredentialsAfterAuthentication(true);
		AuthenticationFilter filter = new AuthenticationFilter(manager, AdminTokenAuthentication::convert);
		filter.setRequestMatcher(adminPaths);
		// No redirect, no saved request: the request goes on to the admin endpoint.
		filter.setSuccessHandler((request, response, authentication) -> {
		});
		filter.setFailureHandler(new FailureHandler());
		return filter;
	}

	private static Authentication convert(HttpServletRequest request) {
		Enumeration<String> values = request.getHeaders(AdminGuard.TOKEN_HEADER);
		if (values == null || !values.hasMoreElements()) {
			return null;
		}
		String sent = values.nextElement();
		boolean repeated = values.hasMoreElements();
		Authentication current = SecurityContextHolder.getContext().getAuthentication();
		String rider = (current != null && current.isAuthenticated() && !TRUST.isAnonymous(current)) ? current.getName()
				: null;
		return new Token(repeated ? null : sent, request.getRemoteAddr(), rider);
	}

	/**
	 * The authentication of the bootstrap token. Its name is the audit's actor:
	 * {@value #ACTOR}, or {@code admin-token (with token of <subject>)} when the request
	 * was already authenticated by a bearer token, which grants nothing here.
	 */
	public static final class Token extends AbstractAuthenticationToken {

		private transient String credentials;

		private final String address;

		private final String rider;

		Token(String credentials, String address, String rider) {
			super(AuthorityUtils.NO_AUTHORITIES);
			this.credentials = credentials;
			this.address = address;
			this.rider = rider;
		}

		private Token(Token sent) {
			super(AuthorityUtils.createAuthorityList(AdminGuard.ADMIN_AUTHORITY));
			this.address = sent.address;
			this.rider = sent.rider;
			setAuthenticated(true);
		}

		@Override
		public Object getCredentials() {
			return this.credentials;
		}

		@Override
		public Object getPrincipal() {
			return getName();
		}

		@Override
		public String getName() {
			return (this.rider != null) ? ACTOR + " (with token of " + this.rider + ")" : ACTOR;
		}

		@Override
		public void eraseCredentials() {
			this.credentials = null;
		}

		@Override
		public boolean equals(Object other) {
			return super.equals(other);
		}

		@Override
		public int hashCode() {
			return super.hashCode();
		}

	}

	/** Throttled: answered 429, the right token included. */
	static final class ThrottledException extends AuthenticationException {

		private final long retryAfterSeconds;

		ThrottledException(long retryAfterSeconds) {
			super("Too many wrong admin tokens");
			this.retryAfterSeconds = retryAfterSeconds;
		}

	}

	private record Provider(AdminGuard guard, FailedAttemptThrottle throttle) implements AuthenticationProvider {

		@Override
		public Authentication authenticate(Authentication authentication) {
			Token sent = (Token) authentication;
			if (!this.guard.tokenConfigured()) {
				// Nothing to guess: not counted, so it never throttles anyone.
				throw new BadCredentialsException("No admin token is configured");
			}
			if (this.throttle != null) {
				FailedAttemptThrottle.Verdict verdict = this.throttle.check(THROTTLE_CLIENT, sent.address);
				if (verdict.throttled()) {
					throw new ThrottledException(verdict.retryAfterSeconds());
				}
			}
			if (this.guard.tokenMatches((String) sent.getCredentials())) {
				return new Token(sent);
			}
			if (this.throttle != null) {
				FailedAttemptThrottle.Verdict verdict = this.throttle.failed(THROTTLE_CLIENT, sent.address);
				if (verdict.throttled()) {
					throw new ThrottledException(verdict.retryAfterSeconds());
				}
			}
			// Unset token, wrong token or the header repeated: the sent value is never
			// logged.
			throw new BadCredentialsException("Wrong admin token");
		}

		@Override
		public boolean supports(Class<?> authentication) {
			return Token.class.isAssignableFrom(authentication);
		}

	}

	private static final class FailureHandler implements AuthenticationFailureHandler {

		@Override
		public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
				AuthenticationException exception) throws IOException {
			if (exception instanceof ThrottledException throttled) {
				// The throttle logged when the budget ran out; each refusal after that is
				// not worth a line.
				logger.debug("Admin token attempt from {} refused: too many wrong admin tokens",
						request.getRemoteAddr());
				response.setHeader(RateLimitFilter.RETRY_AFTER_HEADER, Long.toString(throttled.retryAfterSeconds));
				ProblemResponses.write(response, TenancyError.RATE_LIMITED);
				return;
			}
			logger.warn("Admin request refused: wrong admin token from {}", request.getRemoteAddr());
			ProblemResponses.write(response, TenancyError.FORBIDDEN);
		}

	}

}
