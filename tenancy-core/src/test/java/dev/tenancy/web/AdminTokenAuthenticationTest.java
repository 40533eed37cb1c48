package dev.tenancy.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.servlet.FilterChain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.AuthenticationFilter;

import dev.tenancy.admin.AdminGuard;
import dev.tenancy.ratelimit.FailedAttemptThrottle;
import dev.tenancy.ratelimit.LocalRateLimiter;
import dev.tenancy.test.TestAuthentication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bootstrap {@code X-Admin-Token} as a Spring Security authentication: the right
 * token yields the admin authority and names the actor for the audit, a wrong one is 403,
 * repeated wrong ones are throttled (429, the right token included), and nothing happens
 * without the header or outside the admin paths.
 */
class AdminTokenAuthenticationTest {

	private static final String TOKEN = "adm-Unit-4kQ9-bootstrap";

	private final AdminGuard guard = new AdminGuard(TOKEN, "tenancy.admin");

	private final AdminPathMatcher adminPaths = new AdminPathMatcher(List.of("/admin/**"));

	@AfterEach
	void clear() {
		TestAuthentication.clear();
	}

	private static MockHttpServletRequest request(String path, String... tokens) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
		request.setRemoteAddr("10.1.2.3");
		for (String token : tokens) {
			request.addHeader(AdminGuard.TOKEN_HEADER, token);
		}
		return request;
	}

	/**
	 * Runs the filter; returns what the rest of the chain saw as the authentication, or
	 * null if it never ran.
	 */
	private static Authentication[] run(AuthenticationFilter filter, MockHttpServletRequest request,
			MockHttpServletResponse response) throws Exception {
		Authentication[] seen = new Authentication[1];
		FilterChain chain = (req, res) -> seen[0] = SecurityContextHolder.getContext().getAuthentication();
		filter.doFilter(request, response, chain);
		return seen;
	}

	@Test
	void theRightTokenGrantsTheAdminAuthorityAndNamesTheTokenAsActor() throws Exception {
		AuthenticationFilter filter = AdminTokenAuthentication.filter(this.guard, this.adminPaths, null);
		MockHttpServletResponse response = new MockHttpServletResponse();
		Authentication seen = run(filter, request("/admin/tenants", TOKEN), response)[0];
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(seen).isNotNull();
		assertThat(this.guard.isAdmin(seen)).isTrue();
		assertThat(seen.getName()).isEqualTo("admin-token");
		assertThat(seen.getCredentials()).as("credentials are erased").isNull();
		assertThat(seen.toString()).doesNotContain(TOKEN);
	}

	@Test
	void aBearerTokenThatRodeAlongGrantsNothingButIsNamed() throws Exception {
		TestAuthentication.signIn(Map.of("sub", "acme-client", "tenant_id", "acme"));
		AuthenticationFilter filter = AdminTokenAuthentication.filter(this.guard, this.adminPaths, null);
		Authentication seen = run(filter, request("/admin/tenants", TOKEN), new MockHttpServletResponse())[0];
		assertThat(seen.getName()).isEqualTo("admin-token (with token of acme-client)");
		assertThat(seen.getAuthorities()).extracting(Object::toString).containsExactly(AdminGuard.ADMIN_AUTHORITY);
	}

	@Test
	void wrongRepeatedOrUnsetTokensAre403() throws Exception {
		for (AdminGuard guard : List.of(this.guard, new AdminGuard(null, "tenancy.admin"))) {
			AuthenticationFilter filter = AdminTokenAuthentication.filter(guard, this.adminPaths, null);
			for (String[] tokens : new String[][] { { "wrong" }, { "" }, { TOKEN, TOKEN }, { "wrong", TOKEN } }) {
				MockHttpServletResponse response = new MockHttpServletResponse();
				Authentication[] seen = run(filter, request("/admin/tenants", tokens), response);
				assertThat(response.getStatus()).as(String.join(",", tokens)).isEqualTo(403);
				assertThat(response.getContentType()).startsWith("application/problem+json");
				assertThat(response.getContentAsString()).contains("\"code\":\"forbidden\"").doesNotContain("wrong");
				assertThat(seen[0]).as("the chain must not run").isNull();
			}
		}
	}

	@Test
	void noHeaderOrAnotherPathLeavesTheRequestAlone() throws Exception {
		AuthenticationFilter filter = AdminTokenAuthentication.filter(this.guard, this.adminPaths, null);
		MockFilterChain chain = new MockFilterChain();
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(request("/admin/tenants"), response, chain);
		assertThat(chain.getRequest()).isNotNull();
		assertThat(SecurityContextHolder.getContext().getAuthentication()).isNull();
		Authentication seen = run(filter, request("/api/trips", TOKEN), new MockHttpServletResponse())[0];
		assertThat(seen).as("the token means nothing outside the admin paths").isNull();
	}

	@Test
	void wrongTokensAreThrottledAndThenTheRightOneToo() throws Exception {
		FailedAttemptThrottle throttle = new FailedAttemptThrottle(new LocalRateLimiter(1), "admin",
				new FailedAttemptThrottle.Settings(3, 100, Duration.ofMinutes(1), Duration.ofSeconds(1)));
		AuthenticationFilter filter = AdminTokenAuthentication.filter(this.guard, this.adminPaths, throttle);
		int[] statuses = new int[5];
		for (int i = 0; i < statuses.length; i++) {
			MockHttpServletResponse response = new MockHttpServletResponse();
			run(filter, request("/admin/tenants", "wrong-" + i), response);
			statuses[i] = response.getStatus();
		}
		assertThat(statuses).containsExactly(403, 403, 403, 429, 429);
		MockHttpServletResponse right = new MockHttpServletResponse();
		assertThat(run(filter, request("/admin/tenants", TOKEN), right)[0]).isNull();
		assertThat(right.getStatus()).isEqualTo(429);
		assertThat(right.getHeader("Retry-After")).isNotNull();
		assertThat(right.getContentAsString()).contains("\"code\":\"rate_limited\"");
		MockHttpServletRequest elsewhere = request("/admin/tenants", TOKEN);
		elsewhere.setRemoteAddr("10.9.9.9");
		assertThat(run(filter, elsewhere, new MockHttpServletResponse())[0]).isNotNull();
	}

}
