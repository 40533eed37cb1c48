package dev.tenancy.web;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import dev.tenancy.TenancyError;
import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.test.TestAuthentication;
import dev.tenancy.context.TenantContext;
import dev.tenancy.registry.InMemoryTenantRegistry;
import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.registry.TenantRegistryUnavailableException;
import dev.tenancy.resolve.CompositeTenantResolver;
import dev.tenancy.resolve.HeaderTenantResolver;
import dev.tenancy.resolve.JwtClaimTenantResolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantIsolationFilterTest {

	private static final List<String> EXEMPT = List.of("/actuator/health", "/actuator/health/**", "/error",
			"/admin/**");

	private final CompositeTenantResolver resolver = new CompositeTenantResolver(
			List.of(new JwtClaimTenantResolver("tenant_id", "tenants"),
					new HeaderTenantResolver(List.of("X-Client-ID", "X-Tenant-ID"))),
			true);

	private final CountingRegistry registry = new CountingRegistry(new InMemoryTenantRegistry(
			List.of(tenant("acme", TenantStatus.ACTIVE), tenant("globex", TenantStatus.ACTIVE),
					tenant("initech", TenantStatus.SUSPENDED), tenant("umbrella", TenantStatus.DELETED))));

	private final List<Tenant> heard = new ArrayList<>();

	private final TenantIsolationFilter filter = new TenantIsolationFilter(this.resolver, this.registry, EXEMPT,
			List.of((request, tenant) -> {
				assertThat(TenantContext.current()).contains(tenant.id());
				this.heard.add(tenant);
			}));

	private final RecordingServlet servlet = new RecordingServlet();

	@BeforeEach
	void cleanThread() {
		MDC.clear();
	}

	@AfterEach
	void clearSecurityContext() {
		TestAuthentication.clear();
		MDC.clear();
	}

	private static Tenant tenant(String id, TenantStatus status) {
		return new Tenant(TenantId.of(id), null, status, null, 1);
	}

	private MockHttpServletResponse run(MockHttpServletRequest request) throws Exception {
		return run(request, this.filter);
	}

	private MockHttpServletResponse run(MockHttpServletRequest request, TenantIsolationFilter filter) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockFilterChain chain = new MockFilterChain(this.servlet);
		filter.doFilter(request, response, chain);
		assertThat(TenantContext.current()).as("tenant after the filter").isEmpty();
		assertThat(MDC.get(TenantContext.MDC_KEY)).as("MDC after the filter").isNull();
		return response;
	}

	private static MockHttpServletRequest get(String uri) {
		return new MockHttpServletRequest("GET", uri);
	}

	private static void assertProblem(MockHttpServletResponse response, TenancyError error) throws Exception {
		assertThat(response.getStatus()).isEqualTo(error.status());
		assertThat(response.getContentType()).startsWith(ProblemResponses.PROBLEM_JSON);
		assertThat(response.getContentAsByteArray()).isEqualTo(ProblemResponses.body(error, null));
	}

	@Test
	void admittedRequestRunsInsideTheTenantScope() throws Exception {
		TestAuthentication.signInAs("acme");
		MockHttpServletRequest request = get("/api/trips");
		MockHttpServletResponse response = run(request);
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(this.servlet.calls.get()).isEqualTo(1);
		assertThat(this.servlet.tenant).contains(TenantId.of("acme"));
		assertThat(this.servlet.mdc).isEqualTo("acme");
		assertThat(request.getAttribute(TenantIsolationFilter.TENANT_ATTRIBUTE)).isInstanceOfSatisfying(Tenant.class,
				(tenant) -> assertThat(tenant.id()).isEqualTo(TenantId.of("acme")));
		assertThat(this.heard).extracting(Tenant::id).containsExactly(TenantId.of("acme"));
	}

	@Test
	void headerSelectsAmongGrantedTenants() throws Exception {
		TestAuthentication.signInForAll("acme", "globex");
		MockHttpServletRequest request = get("/api/trips");
		request.addHeader("X-Client-ID", "globex");
		run(request);
		assertThat(this.servlet.tenant).contains(TenantId.of("globex"));
		assertThat(this.servlet.mdc).isEqualTo("globex");
	}

	@Test
	void exemptPathsSkipTheFilter() throws Exception {
		for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/error", "/admin/tenants")) {
			RecordingServlet exempt = new RecordingServlet();
			MockHttpServletResponse response = new MockHttpServletResponse();
			MockHttpServletRequest request = get(path);
			// Even a malformed header on an exempt path is not looked at.
			request.addHeader("X-Client-ID", "NOT VALID");
			this.filter.doFilter(request, response, new MockFilterChain(exempt));
			assertThat(response.getStatus()).as(path).isEqualTo(200);
			assertThat(exempt.calls.get()).as(path).isEqualTo(1);
			assertThat(exempt.tenant).as(path).isEmpty();
		}
		assertThat(this.registry.calls.get()).isZero();
	}

	@Test
	void pathsThatOnlyLookExemptAreFiltered() throws Exception {
		for (String path : List.of("/actuator/healthx", "/administrator", "/api/actuator/health")) {
			this.servlet.calls.set(0);
			MockHttpServletResponse response = run(get(path));
			assertProblem(response, TenancyError.TENANT_REQUIRED);
			assertThat(this.servlet.calls.get()).as(path).isZero();
		}
	}

	@Test
	void noTenantAnywhereIsRequired() throws Exception {
		TestAuthentication.signInWithoutTenant();
		assertProblem(run(get("/api/trips")), TenancyError.TENANT_REQUIRED);
		assertThat(this.servlet.calls.get()).isZero();
	}

	@Test
	void tokenAcmeHeaderGlobexIsAMismatch() throws Exception {
		TestAuthentication.signInAs("acme");
		MockHttpServletRequest request = get("/api/trips");
		request.addHeader("X-Client-ID", "globex");
		assertProblem(run(request), TenancyError.TENANT_MISMATCH);
		assertThat(this.servlet.calls.get()).isZero();
		assertThat(this.registry.calls.get()).isZero();
	}

	@Test
	void unknownAndNotGrantedTenantsGetByteIdenticalAnswers() throws Exception {
		List<byte[]> bodies = new ArrayList<>();
		List<Integer> statuses = new ArrayList<>();

		// unknown tenant granted by a token
		TestAuthentication.signInAs("nosuch");
		MockHttpServletResponse unknown = run(get("/api/trips"));
		bodies.add(unknown.getContentAsByteArray());
		statuses.add(unknown.getStatus());

		// deleted tenant granted by a token
		TestAuthentication.signInAs("umbrella");
		MockHttpServletResponse deleted = run(get("/api/trips"));
		bodies.add(deleted.getContentAsByteArray());
		statuses.add(deleted.getStatus());

		// existing tenant, not granted: token without tenant plus a header
		TestAuthentication.signInWithoutTenant();
		MockHttpServletRequest notGranted = get("/api/trips");
		notGranted.addHeader("X-Client-ID", "globex");
		MockHttpServletResponse notGrantedResponse = run(notGranted);
		bodies.add(notGrantedResponse.getContentAsByteArray());
		statuses.add(notGrantedResponse.getStatus());

		// unknown tenant, not granted
		MockHttpServletRequest unknownNotGranted = get("/api/trips");
		unknownNotGranted.addHeader("X-Client-ID", "nosuch");
		MockHttpServletResponse unknownNotGrantedResponse = run(unknownNotGranted);
		bodies.add(unknownNotGrantedResponse.getContentAsByteArray());
		statuses.add(unknownNotGrantedResponse.getStatus());

		assertThat(statuses).containsOnly(403);
		assertThat(bodies).allSatisfy((body) -> assertThat(body).isEqualTo(bodies.get(0)));
		assertThat(new String(bodies.get(0), java.nio.charset.StandardCharsets.UTF_8))
			.contains("\"code\":\"tenant_forbidden\"")
			.doesNotContain("nosuch", "globex", "umbrella");
		assertProblem(unknown, TenancyError.TENANT_FORBIDDEN);
		assertThat(this.servlet.calls.get()).isZero();
	}

	@Test
	void headerNamingAnotherExistingOrUnknownTenantGetsTheSameMismatch() throws Exception {
		TestAuthentication.signInAs("acme");
		MockHttpServletRequest existing = get("/api/trips");
		existing.addHeader("X-Client-ID", "globex");
		MockHttpServletRequest unknown = get("/api/trips");
		unknown.addHeader("X-Client-ID", "nosuch");
		byte[] existingBody = run(existing).getContentAsByteArray();
		byte[] unknownBody = run(unknown).getContentAsByteArray();
		assertThat(existingBody).isEqualTo(unknownBody)
			.isEqualTo(ProblemResponses.body(TenancyError.TENANT_MISMATCH, null));
	}

	@Test
	void suspendedTenantHasItsOwnCode() throws Exception {
		TestAuthentication.signInAs("initech");
		assertProblem(run(get("/api/trips")), TenancyError.TENANT_SUSPENDED);
		assertThat(this.servlet.calls.get()).isZero();
	}

	@Test
	void unavailableRegistryIsA503() throws Exception {
		TenantRegistry down = new TenantRegistry() {
			@Override
			public Optional<Tenant> find(TenantId id) {
				throw new TenantRegistryUnavailableException("connection refused to db.internal:5432",
						new IOException("boom"));
			}

			@Override
			public List<Tenant> findAll() {
				throw new TenantRegistryUnavailableException("down", null);
			}
		};
		TenantIsolationFilter filter = new TenantIsolationFilter(this.resolver, down, EXEMPT, List.of());
		TestAuthentication.signInAs("acme");
		MockHttpServletResponse response = run(get("/api/trips"), filter);
		assertProblem(response, TenancyError.REGISTRY_UNAVAILABLE);
		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(response.getContentAsString()).doesNotContain("db.internal", "boom");
		assertThat(this.servlet.calls.get()).isZero();
	}

	@Test
	void malformedIdsNeverReachTheRegistry() throws Exception {
		TenantRegistry mustNotBeCalled = new TenantRegistry() {
			@Override
			public Optional<Tenant> find(TenantId id) {
				throw new AssertionError("registry consulted for " + id);
			}

			@Override
			public List<Tenant> findAll() {
				throw new AssertionError("registry consulted");
			}
		};
		TenantIsolationFilter filter = new TenantIsolationFilter(this.resolver, mustNotBeCalled, EXEMPT, List.of());
		List<String> hostile = List.of("ACME", " acme", "acme ", "acme,globex", "-acme", "..", "%61cme", "\u0430cme",
				"\uff41cme", "a".repeat(64), "a".repeat(10 * 1024), "acme\u0000", "<script>alert(1)</script>");
		for (String value : hostile) {
			TestAuthentication.signInAs("acme");
			MockHttpServletRequest request = get("/api/trips");
			request.addHeader("X-Client-ID", value);
			MockHttpServletResponse response = run(request, filter);
			assertProblem(response, TenancyError.TENANT_INVALID);
			assertThat(response.getContentAsString()).doesNotContain("script", "aaaa", "%61");
		}
		// A malformed claim in the token, with and without a header.
		TestAuthentication.signIn(Map.of("tenant_id", "Acme"), "SCOPE_read");
		assertProblem(run(get("/api/trips"), filter), TenancyError.TENANT_INVALID);
		// The same header twice.
		TestAuthentication.signInAs("acme");
		MockHttpServletRequest twice = get("/api/trips");
		twice.addHeader("X-Client-ID", "acme");
		twice.addHeader("X-Client-ID", "acme");
		assertProblem(run(twice, filter), TenancyError.TENANT_INVALID);
		assertThat(this.servlet.calls.get()).isZero();
	}

	@Test
	void contextIsClearedWhenTheChainThrows() throws Exception {
		TestAuthentication.signInAs("acme");
		HttpServlet failing = new HttpServlet() {
			@Override
			protected void service(HttpServletRequest req, HttpServletResponse resp) {
				assertThat(TenantContext.current()).contains(TenantId.of("acme"));
				assertThat(MDC.get(TenantContext.MDC_KEY)).isEqualTo("acme");
				throw new IllegalStateException("handler failed");
			}
		};
		assertThatThrownBy(() -> this.filter.doFilter(get("/api/trips"), new MockHttpServletResponse(),
				new MockFilterChain(failing)))
			.isInstanceOf(IllegalStateException.class)
			.hasMessage("handler failed");
		assertThat(TenantContext.current()).isEmpty();
		assertThat(MDC.get(TenantContext.MDC_KEY)).isNull();
	}

	@Test
	void contextIsClearedWhenTheChainThrowsACheckedException() throws Exception {
		TestAuthentication.signInAs("globex");
		HttpServlet failing = new HttpServlet() {
			@Override
			protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
				throw new IOException("client went away");
			}
		};
		assertThatThrownBy(() -> this.filter.doFilter(get("/api/trips"), new MockHttpServletResponse(),
				new MockFilterChain(failing)))
			.isInstanceOf(IOException.class);
		assertThat(TenantContext.current()).isEmpty();
		assertThat(MDC.get(TenantContext.MDC_KEY)).isNull();
	}

	@Test
	void consecutiveRequestsOnOneThreadNeverShareATenant() throws Exception {
		TestAuthentication.signInAs("acme");
		run(get("/api/trips"));
		assertThat(this.servlet.tenant).contains(TenantId.of("acme"));
		TestAuthentication.signInAs("globex");
		run(get("/api/trips"));
		assertThat(this.servlet.tenant).contains(TenantId.of("globex"));
		assertThat(this.servlet.mdc).isEqualTo("globex");
		TestAuthentication.signInWithoutTenant();
		assertProblem(run(get("/api/trips")), TenancyError.TENANT_REQUIRED);
		assertThat(this.servlet.calls.get()).isEqualTo(2);
	}

	/** Records what the handler sees. */
	static final class RecordingServlet extends HttpServlet {

		final AtomicInteger calls = new AtomicInteger();

		volatile Optional<TenantId> tenant = Optional.empty();

		volatile String mdc;

		@Override
		protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
			this.calls.incrementAndGet();
			this.tenant = TenantContext.current();
			this.mdc = MDC.get(TenantContext.MDC_KEY);
			resp.setStatus(200);
		}

	}

	/** Counts lookups. */
	static final class CountingRegistry implements TenantRegistry {

		final AtomicInteger calls = new AtomicInteger();

		private final TenantRegistry delegate;

		CountingRegistry(TenantRegistry delegate) {
			this.delegate = delegate;
		}

		@Override
		public Optional<Tenant> find(TenantId id) {
			this.calls.incrementAndGet();
			return this.delegate.find(id);
		}

		@Override
		public List<Tenant> findAll() {
			return this.delegate.findAll();
		}

	}

}
