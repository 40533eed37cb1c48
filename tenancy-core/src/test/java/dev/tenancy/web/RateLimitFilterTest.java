package dev.tenancy.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.test.TestAuthentication;
import dev.tenancy.ratelimit.FailureMode;
import dev.tenancy.ratelimit.FailureModePolicy;
import dev.tenancy.ratelimit.LocalRateLimiter;
import dev.tenancy.ratelimit.RateLimitDecision;
import dev.tenancy.ratelimit.RateLimitDecision.PolicyStatus;
import dev.tenancy.ratelimit.RateLimitDecision.Source;
import dev.tenancy.ratelimit.RateLimitRequest;
import dev.tenancy.ratelimit.RateLimiter;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitFilterTest {

	static final Map<String, List<String>> ROUTE_CLASSES = Map.of("helpdesk", List.of("/api/helpdesk/**"));

	static final Duration MINUTE = Duration.ofMinutes(1);

	static final TenantConfig.RateLimit STANDARD = new TenantConfig.RateLimit(1000, MINUTE, 1000,
			new TenantConfig.UserLimit(100, MINUTE), Map.of("helpdesk", 5L));

	final AtomicReference<RateLimitRequest> asked = new AtomicReference<>();

	@Test
	void aRequestWithoutTenantPassesUntouched() throws Exception {
		RateLimitFilter filter = new RateLimitFilter(recording(null), ROUTE_CLASSES);
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/actuator/health");
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockFilterChain chain = new MockFilterChain();
		filter.doFilter(request, response, chain);
		assertThat(chain.getRequest()).isSameAs(request);
		assertThat(response.getHeaderNames()).isEmpty();
		assertThat(this.asked.get()).isNull();
	}

	@Test
	void aTenantWithoutRateLimitPassesUntouched() throws Exception {
		RateLimitFilter filter = new RateLimitFilter(recording(null), ROUTE_CLASSES);
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockFilterChain chain = new MockFilterChain();
		filter.doFilter(request("/api/trips", tenant("acme", null), "alice"), response, chain);
		assertThat(chain.getRequest()).isNotNull();
		assertThat(response.getHeaderNames()).isEmpty();
		assertThat(this.asked.get()).isNull();
	}

	@Test
	void anAdmittedRequestCarriesThePoliciesAndTheirState() throws Exception {
		RateLimitFilter filter = new RateLimitFilter(new LocalRateLimiter(1), ROUTE_CLASSES);
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockFilterChain chain = new MockFilterChain();
		filter.doFilter(request("/api/trips", tenant("acme", STANDARD), "alice"), response, chain);
		assertThat(chain.getRequest()).isNotNull();
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getHeader("RateLimit-Policy")).isEqualTo("\"tenant\";q=1000;w=60, \"user\";q=100;w=60");
		// t: the spent tokens come back at the end of the minute
		assertThat(response.getHeader("RateLimit")).isEqualTo("\"tenant\";r=999;t=60, \"user\";r=99;t=60");
		assertThat(response.getHeader("Retry-After")).isNull();
	}

	@Test
	void withoutUserOnlyTheTenantPolicyApplies() throws Exception {
		RateLimitFilter filter = new RateLimitFilter(new LocalRateLimiter(1), ROUTE_CLASSES);
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(request("/api/trips", tenant("acme", STANDARD), null), response, new MockFilterChain());
		assertThat(response.getHeader("RateLimit-Policy")).isEqualTo("\"tenant\";q=1000;w=60");
		assertThat(response.getHeader("RateLimit")).isEqualTo("\"tenant\";r=999;t=60");
	}

	@Test
	void aRouteCostClassTakesSeveralTokens() throws Exception {
		RateLimitFilter filter = new RateLimitFilter(new LocalRateLimiter(1), ROUTE_CLASSES);
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(request("/api/helpdesk/tickets", tenant("acme", STANDARD), "alice"), response,
				new MockFilterChain());
		// 5 tokens from each, back at the end of the minute
		assertThat(response.getHeader("RateLimit")).isEqualTo("\"tenant\";r=995;t=60, \"user\";r=95;t=60");
	}

	@Test
	void aRejectedRequestIs429WithRetryAfterAndTheProblemBody() throws Exception {
		RateLimitFilter filter = new RateLimitFilter(new LocalRateLimiter(1), ROUTE_CLASSES);
		Tenant tenant = tenant("acme", new TenantConfig.RateLimit(2, MINUTE, 2, null, null));
		for (int i = 0; i < 2; i++) {
			MockHttpServletResponse response = new MockHttpServletResponse();
			filter.doFilter(request("/api/trips", tenant, "alice"), response, new MockFilterChain());
			assertThat(response.getStatus()).isEqualTo(200);
		}
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockFilterChain chain = new MockFilterChain();
		filter.doFilter(request("/api/trips", tenant, "alice"), response, chain);
		assertThat(chain.getRequest()).isNull();
		assertThat(response.getStatus()).isEqualTo(429);
		assertThat(response.getContentType()).startsWith("application/problem+json");
		assertThat(response.getContentAsString()).contains("\"code\":\"rate_limited\"").contains("\"status\":429");
		// 2 per minute: both come back at the end of the minute (a few ms less, rounded
		// up)
		assertThat(response.getHeader("Retry-After")).isEqualTo("60");
		assertThat(response.getHeader("RateLimit-Policy")).isEqualTo("\"tenant\";q=2;w=60");
		assertThat(response.getHeader("RateLimit")).isEqualTo("\"tenant\";r=0;t=60");
	}

	@Test
	void retryAfterIsRoundedUpToWholeSecondsAndNeverZero() throws Exception {
		assertThat(retryAfter(1)).isEqualTo("1");
		assertThat(retryAfter(TimeUnit.MILLISECONDS.toNanos(999))).isEqualTo("1");
		assertThat(retryAfter(TimeUnit.MILLISECONDS.toNanos(1200))).isEqualTo("2");
		assertThat(retryAfter(TimeUnit.SECONDS.toNanos(3))).isEqualTo("3");
		assertThat(retryAfter(TimeUnit.SECONDS.toNanos(3) + 1)).isEqualTo("4");
		assertThat(retryAfter(0)).isEqualTo("1");
	}

	@Test
	void subSecondWindowsAreAtLeastOneSecond() throws Exception {
		RateLimitFilter filter = new RateLimitFilter(new LocalRateLimiter(1), ROUTE_CLASSES);
		MockHttpServletResponse response = new MockHttpServletResponse();
		Tenant tenant = tenant("acme", new TenantConfig.RateLimit(10, Duration.ofMillis(500), 10,
				new TenantConfig.UserLimit(5, Duration.ofSeconds(90)), null));
		filter.doFilter(request("/api/trips", tenant, "alice"), response, new MockFilterChain());
		assertThat(response.getHeader("RateLimit-Policy")).isEqualTo("\"tenant\";q=10;w=1, \"user\";q=5;w=90");
	}

	@Test
	void theUserIsTheAuthenticatedPrincipalsNameAndTheRouteClassComesFromThePath() throws Exception {
		RateLimitFilter filter = new RateLimitFilter(recording(null), ROUTE_CLASSES);
		MockHttpServletRequest request = request("/api/helpdesk/tickets/7", tenant("acme", STANDARD), null);
		request.setUserPrincipal(TestAuthentication.jwt(Map.of("tenant_id", "acme")));
		filter.doFilter(request, new MockHttpServletResponse(), new MockFilterChain());
		assertThat(this.asked.get().user()).isEqualTo("user-1");
		assertThat(this.asked.get().routeClass()).isEqualTo("helpdesk");
		assertThat(this.asked.get().cost()).isEqualTo(5);
		filter.doFilter(request("/api/trips", tenant("acme", STANDARD), null), new MockHttpServletResponse(),
				new MockFilterChain());
		assertThat(this.asked.get().user()).isNull();
		assertThat(this.asked.get().routeClass()).isNull();
	}

	@Test
	void aFailingLimiterNeverCausesA5xx() throws Exception {
		List<RateLimiter> failing = List.of((request) -> {
			throw new IllegalStateException("boom");
		}, (request) -> CompletableFuture.failedFuture(new IllegalStateException("boom")),
				(request) -> new CompletableFuture<>());
		for (RateLimiter limiter : failing) {
			RateLimitFilter filter = new RateLimitFilter(limiter, ROUTE_CLASSES,
					FailureModePolicy.always(FailureMode.LOCAL), Duration.ofMillis(50));
			MockHttpServletResponse response = new MockHttpServletResponse();
			MockFilterChain chain = new MockFilterChain();
			filter.doFilter(request("/api/trips", tenant("acme", STANDARD), "alice"), response, chain);
			assertThat(chain.getRequest()).isNotNull();
			assertThat(response.getStatus()).isEqualTo(200);
			assertThat(response.getHeader("RateLimit-Policy")).isNotNull();
			assertThat(response.getHeader("RateLimit")).as("no state known").isNull();
		}
	}

	@Test
	void aFailingLimiterRejectsWhenThePlanFailsClosed() throws Exception {
		RateLimitFilter filter = new RateLimitFilter((request) -> {
			throw new IllegalStateException("boom");
		}, ROUTE_CLASSES, FailureModePolicy.always(FailureMode.CLOSED), Duration.ofMillis(50));
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockFilterChain chain = new MockFilterChain();
		filter.doFilter(request("/api/trips", tenant("acme", STANDARD), "alice"), response, chain);
		assertThat(chain.getRequest()).isNull();
		assertThat(response.getStatus()).isEqualTo(429);
		assertThat(response.getHeader("Retry-After")).isEqualTo("1");
		assertThat(response.getContentAsString()).contains("rate_limited");
	}

	@Test
	void aCorsPreflightSpendsNothingButHeadAndPlainOptionsPayLikeGet() throws Exception {
		RateLimitFilter filter = new RateLimitFilter(new LocalRateLimiter(1), ROUTE_CLASSES);
		Tenant tenant = tenant("acme", new TenantConfig.RateLimit(2, MINUTE, 2, null, null));
		for (int i = 0; i < 5; i++) {
			MockHttpServletRequest preflight = request("/api/trips", tenant, null);
			preflight.setMethod("OPTIONS");
			preflight.addHeader("Origin", "https://app.example.com");
			preflight.addHeader("Access-Control-Request-Method", "POST");
			MockHttpServletResponse response = new MockHttpServletResponse();
			MockFilterChain chain = new MockFilterChain();
			filter.doFilter(preflight, response, chain);
			assertThat(chain.getRequest()).as("preflight passes").isSameAs(preflight);
			assertThat(response.getHeader("RateLimit")).as("preflight is not limited").isNull();
		}
		MockHttpServletRequest head = request("/api/trips", tenant, null);
		head.setMethod("HEAD");
		MockHttpServletResponse headResponse = new MockHttpServletResponse();
		filter.doFilter(head, headResponse, new MockFilterChain());
		assertThat(headResponse.getHeader("RateLimit")).as("the preflights spent nothing")
			.isEqualTo("\"tenant\";r=1;t=60");
		MockHttpServletRequest options = request("/api/trips", tenant, null);
		options.setMethod("OPTIONS");
		MockHttpServletResponse optionsResponse = new MockHttpServletResponse();
		filter.doFilter(options, optionsResponse, new MockFilterChain());
		assertThat(optionsResponse.getHeader("RateLimit")).isEqualTo("\"tenant\";r=0;t=60");
		MockHttpServletResponse rejected = new MockHttpServletResponse();
		MockHttpServletRequest another = request("/api/trips", tenant, null);
		another.setMethod("HEAD");
		filter.doFilter(another, rejected, new MockFilterChain());
		assertThat(rejected.getStatus()).isEqualTo(429);
	}

	private String retryAfter(long nanos) throws Exception {
		RateLimiter limiter = (request) -> CompletableFuture.completedFuture(new RateLimitDecision(false, Source.REDIS,
				request.policies(), List.of(new PolicyStatus("tenant", 0, nanos)), "tenant", nanos));
		MockHttpServletResponse response = new MockHttpServletResponse();
		new RateLimitFilter(limiter, ROUTE_CLASSES).doFilter(request("/api/trips", tenant("acme", STANDARD), null),
				response, new MockFilterChain());
		assertThat(response.getStatus()).isEqualTo(429);
		return response.getHeader("Retry-After");
	}

	private RateLimiter recording(RateLimitDecision decision) {
		return (request) -> {
			this.asked.set(request);
			return CompletableFuture.completedFuture((decision != null) ? decision
					: new RateLimitDecision(true, Source.LOCAL, request.policies(), List.of(), null, 0));
		};
	}

	private static MockHttpServletRequest request(String path, Tenant tenant, String user) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
		request.setAttribute(TenantIsolationFilter.TENANT_ATTRIBUTE, tenant);
		if (user != null) {
			request.setUserPrincipal(() -> user);
		}
		return request;
	}

	private static Tenant tenant(String id, TenantConfig.RateLimit rateLimit) {
		return new Tenant(TenantId.of(id), null, TenantStatus.ACTIVE,
				new TenantConfig("standard", rateLimit, null, null, null, null), 1);
	}

}
