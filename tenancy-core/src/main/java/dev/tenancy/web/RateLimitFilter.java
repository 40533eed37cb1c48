package dev.tenancy.web;

import java.io.IOException;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.cors.CorsUtils;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.tenancy.TenancyError;
import dev.tenancy.Tenant;
import dev.tenancy.ratelimit.FailureMode;
import dev.tenancy.ratelimit.FailureModePolicy;
import dev.tenancy.ratelimit.RateLimitDecision;
import dev.tenancy.ratelimit.RateLimitPolicy;
import dev.tenancy.ratelimit.RateLimitRequest;
import dev.tenancy.ratelimit.RateLimiter;

/**
 * Applies the tenant's rate limits to each request, after {@link TenantIsolationFilter}.
 * <p>
 * The tenant comes from the request attribute
 * {@link TenantIsolationFilter#TENANT_ATTRIBUTE}; a request without one (an exempt path)
 * and a tenant whose plan sets no limit pass untouched. The user is the authenticated
 * principal's name (the JWT subject under Spring Security's resource server), the route
 * class the first configured class whose path patterns match.
 * <p>
 * Every limited response carries the IETF RateLimit header fields
 * (draft-ietf-httpapi-ratelimit-headers-11): {@code RateLimit-Policy} lists the policies
 * that apply ({@code "tenant";q=1000;w=60, "user";q=100;w=60}) and {@code RateLimit} the
 * state of those consulted ({@code "tenant";r=999;t=60}, {@code t} being the seconds
 * until the next refill). A rejection is a 429 with {@code Retry-After} in whole seconds,
 * rounded up and never 0, and the {@code rate_limited} problem body.
 * <p>
 * Every method is limited, {@code HEAD} and {@code OPTIONS} included (they reach the
 * application and cost like {@code GET}), except a CORS preflight ({@code OPTIONS} with
 * {@code Origin} and {@code Access-Control-Request-Method}), which passes untouched and
 * spends nothing.
 * <p>
 * The limiter never causes a 5xx: if it fails or does not answer within the bounded wait,
 * the request is admitted, unless its plan's failure mode is {@link FailureMode#CLOSED}.
 */
public final class RateLimitFilter extends OncePerRequestFilter {

	/** Request attribute holding the {@link RateLimitDecision} of the request. */
	public static final String DECISION_ATTRIBUTE = RateLimitFilter.class.getName() + ".decision";

	/** The {@code RateLimit-Policy} header. */
	public static final String POLICY_HEADER = "RateLimit-Policy";

	/** The {@code RateLimit} header. */
	public static final String RATE_LIMIT_HEADER = "RateLimit";

	/** The {@code Retry-After} header. */
	public static final String RETRY_AFTER_HEADER = "Retry-After";

	/** The default bound of the wait for a decision. */
	public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(1);

	private static final Logger logger = LoggerFactory.getLogger(RateLimitFilter.class);

	private final RateLimiter limiter;

	private final List<RouteClass> routeClasses;

	private final FailureModePolicy failureModes;

	private final long maxWaitNanos;

	/**
	 * A filter that waits up to {@link #DEFAULT_MAX_WAIT} and admits when the limiter
	 * fails.
	 * @param limiter the limiter
	 * @param routeClasses path patterns per route class, in matching order
	 */
	public RateLimitFilter(RateLimiter limiter, Map<String, List<String>> routeClasses) {
		this(limiter, routeClasses, FailureModePolicy.always(FailureMode.LOCAL), DEFAULT_MAX_WAIT);
	}

	/**
	 * A filter.
	 * @param limiter the limiter
	 * @param routeClasses path patterns (such as {@code /api/helpdesk/**}) per route
	 * class, in matching order
	 * @param failureModes what to do per plan when the limiter itself fails
	 * ({@code LOCAL} and {@code OPEN} admit, {@code CLOSED} rejects)
	 * @param maxWait the longest wait for a decision
	 */
	public RateLimitFilter(RateLimiter limiter, Map<String, List<String>> routeClasses, FailureModePolicy failureModes,
			Duration maxWait) {
		this.limiter = Objects.requireNonNull(limiter, "limiter");
		this.failureModes = Objects.requireNonNull(failureModes, "failureModes");
		if (maxWait.isZero() || maxWait.isNegative()) {
			throw new IllegalArgumentException("maxWait must be positive");
		}
		this.maxWaitNanos = maxWait.toNanos();
		List<RouteClass> classes = new ArrayList<>();
		new LinkedHashMap<>(routeClasses)
			.forEach((name, patterns) -> classes.add(new RouteClass(name, new RequestPaths(patterns))));
		this.routeClasses = List.copyOf(classes);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Object attribute = request.getAttribute(TenantIsolationFilter.TENANT_ATTRIBUTE);
		// A CORS preflight is the browser asking, not the client calling: it carries no
		// credentials, runs no handler, and a 429 to it would only surface as a CORS
		// error. HEAD and every other OPTIONS run the handler and pay like GET.
		if (!(attribute instanceof Tenant tenant) || CorsUtils.isPreFlightRequest(request)) {
			chain.doFilter(request, response);
			return;
		}
		Optional<RateLimitRequest> limited;
		try {
			limited = RateLimitRequest.of(tenant, user(request), routeClass(request));
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot build the rate-limit plan of tenant {}; not limiting: {}", tenant.id(), ex.toString());
			limited = Optional.empty();
		}
		if (limited.isEmpty()) {
			chain.doFilter(request, response);
			return;
		}
		RateLimitDecision decision = decide(limited.get());
		request.setAttribute(DECISION_ATTRIBUTE, decision);
		writeHeaders(response, decision);
		if (!decision.allowed()) {
			response.setHeader(RETRY_AFTER_HEADER, Long.toString(decision.retryAfterSeconds()));
			ProblemResponses.write(response, TenancyError.RATE_LIMITED);
			return;
		}
		chain.doFilter(request, response);
	}

	private RateLimitDecision decide(RateLimitRequest request) {
		Throwable failure;
		try {
			return this.limiter.consume(request).toCompletableFuture().get(this.maxWaitNanos, TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			failure = ex;
		}
		catch (ExecutionException ex) {
			failure = (ex.getCause() != null) ? ex.getCause() : ex;
		}
		catch (TimeoutException | RuntimeException ex) {
			failure = ex;
		}
		FailureMode mode;
		try {
			mode = this.failureModes.modeFor(request.plan());
		}
		catch (RuntimeException ex) {
			mode = FailureMode.LOCAL;
		}
		logger.warn("Rate limiter failed for tenant {}; applying failure mode {}: {}", request.plan().tenant(), mode,
				failure.toString());
		return (mode == FailureMode.CLOSED) ? RateLimitDecision.failClosed(request, 0)
				: RateLimitDecision.failOpen(request);
	}

	private static String user(HttpServletRequest request) {
		Principal principal = request.getUserPrincipal();
		if (principal == null) {
			return null;
		}
		String name = principal.getName();
		return (name == null || name.isBlank()) ? null : name;
	}

	private String routeClass(HttpServletRequest request) {
		for (RouteClass routeClass : this.routeClasses) {
			if (routeClass.paths().matches(request)) {
				return routeClass.name();
			}
		}
		return null;
	}

	private static void writeHeaders(HttpServletResponse response, RateLimitDecision decision) {
		StringBuilder policies = new StringBuilder();
		for (RateLimitPolicy policy : decision.policies()) {
			if (policies.length() > 0) {
				policies.append(", ");
			}
			policies.append('"')
				.append(policy.name())
				.append("\";q=")
				.append(policy.limit())
				.append(";w=")
				.append(policy.windowSeconds());
		}
		if (policies.length() > 0) {
			response.setHeader(POLICY_HEADER, policies.toString());
		}
		StringBuilder states = new StringBuilder();
		for (RateLimitDecision.PolicyStatus status : decision.statuses()) {
			if (states.length() > 0) {
				states.append(", ");
			}
			states.append('"')
				.append(status.policy())
				.append("\";r=")
				.append(status.remaining())
				.append(";t=")
				.append(status.resetSeconds());
		}
		if (states.length() > 0) {
			response.setHeader(RATE_LIMIT_HEADER, states.toString());
		}
	}

	private record RouteClass(String name, RequestPaths paths) {
	}

}
