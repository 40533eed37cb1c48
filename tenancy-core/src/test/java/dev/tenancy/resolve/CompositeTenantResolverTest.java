package dev.tenancy.resolve;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import dev.tenancy.TenancyError;
import dev.tenancy.test.TestAuthentication;
import dev.tenancy.TenantId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The policy table of the composite resolver, with the real resolvers behind it: the
 * verified token is authoritative, a header only selects among granted tenants.
 */
class CompositeTenantResolverTest {

	private static final TenantId ACME = TenantId.of("acme");

	private static final TenantId GLOBEX = TenantId.of("globex");

	private final List<TenantResolver> sources = List.of(new JwtClaimTenantResolver("tenant_id", "tenants"),
			new HeaderTenantResolver(List.of("X-Client-ID", "X-Tenant-ID")), new PathTenantResolver("/t"));

	private final CompositeTenantResolver strict = new CompositeTenantResolver(this.sources, true);

	private final CompositeTenantResolver lenient = new CompositeTenantResolver(this.sources, false);

	private final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/trips");

	@AfterEach
	void clearSecurityContext() {
		TestAuthentication.clear();
	}

	private static TenancyError errorOf(CompositeTenantResolver resolver, MockHttpServletRequest request) {
		TenantResolutionException ex = catchThrowableOfType(TenantResolutionException.class,
				() -> resolver.resolve(request));
		assertThat(ex).as("expected a TenantResolutionException").isNotNull();
		return ex.error();
	}

	@Test
	void tokenAcmeAlone() {
		TestAuthentication.signInAs("acme");
		assertThat(this.strict.resolve(this.request)).contains(ACME);
	}

	@Test
	void tokenAcmeHeaderGlobexIsAMismatch() {
		TestAuthentication.signInAs("acme");
		this.request.addHeader("X-Client-ID", "globex");
		assertThat(errorOf(this.strict, this.request)).isEqualTo(TenancyError.TENANT_MISMATCH);
		assertThat(errorOf(this.lenient, this.request)).isEqualTo(TenancyError.TENANT_MISMATCH);
	}

	@Test
	void tokenAcmeAliasHeaderGlobexIsAMismatch() {
		TestAuthentication.signInAs("acme");
		this.request.addHeader("X-Tenant-ID", "globex");
		assertThat(errorOf(this.strict, this.request)).isEqualTo(TenancyError.TENANT_MISMATCH);
	}

	@Test
	void tokenAcmeHeaderAcme() {
		TestAuthentication.signInAs("acme");
		this.request.addHeader("X-Client-ID", "acme");
		assertThat(this.strict.resolve(this.request)).contains(ACME);
	}

	@Test
	void tokenForTwoTenantsWithoutHeaderNeedsASelector() {
		TestAuthentication.signInForAll("acme", "globex");
		assertThat(errorOf(this.strict, this.request)).isEqualTo(TenancyError.TENANT_REQUIRED);
	}

	@Test
	void tokenForTwoTenantsWithHeaderSelectsOne() {
		TestAuthentication.signInForAll("acme", "globex");
		this.request.addHeader("X-Client-ID", "globex");
		assertThat(this.strict.resolve(this.request)).contains(GLOBEX);
	}

	@Test
	void tokenForTwoTenantsWithPathSelectsOne() {
		TestAuthentication.signInForAll("acme", "globex");
		MockHttpServletRequest pathRequest = new MockHttpServletRequest("GET", "/t/acme/trips");
		assertThat(this.strict.resolve(pathRequest)).contains(ACME);
	}

	@Test
	void tokenForTwoTenantsWithHeaderOutsideTheListIsAMismatch() {
		TestAuthentication.signInForAll("acme", "globex");
		this.request.addHeader("X-Client-ID", "initech");
		assertThat(errorOf(this.strict, this.request)).isEqualTo(TenancyError.TENANT_MISMATCH);
	}

	@Test
	void tokenWithOneTenantInTheListClaim() {
		TestAuthentication.signInForAll("globex");
		assertThat(this.strict.resolve(this.request)).contains(GLOBEX);
	}

	@Test
	void tokenWithoutTenantAndAHeaderIsForbidden() {
		TestAuthentication.signInWithoutTenant();
		this.request.addHeader("X-Client-ID", "acme");
		assertThat(errorOf(this.strict, this.request)).isEqualTo(TenancyError.TENANT_FORBIDDEN);
		// Even when grants are not required, a token that grants nothing never lets a
		// header in.
		assertThat(errorOf(this.lenient, this.request)).isEqualTo(TenancyError.TENANT_FORBIDDEN);
	}

	@Test
	void tokenWithoutTenantAndNoSelectorResolvesNothing() {
		TestAuthentication.signInWithoutTenant();
		assertThat(this.strict.resolve(this.request)).isEmpty();
	}

	@Test
	void noTokenAndAHeaderIsForbiddenWhenAGrantIsRequired() {
		this.request.addHeader("X-Client-ID", "acme");
		assertThat(errorOf(this.strict, this.request)).isEqualTo(TenancyError.TENANT_FORBIDDEN);
	}

	@Test
	void noTokenAndAHeaderIsTheHeadersTenantWithoutRequireGrant() {
		this.request.addHeader("X-Client-ID", "acme");
		assertThat(this.lenient.resolve(this.request)).contains(ACME);
	}

	@Test
	void noTokenNoSelectorResolvesNothing() {
		assertThat(this.strict.resolve(this.request)).isEqualTo(Optional.empty());
		assertThat(this.lenient.resolve(this.request)).isEqualTo(Optional.empty());
	}

	@Test
	void selectorsThatDisagreeAreAMismatchEvenWhenBothAreGranted() {
		TestAuthentication.signInForAll("acme", "globex");
		MockHttpServletRequest pathRequest = new MockHttpServletRequest("GET", "/t/acme/trips");
		pathRequest.addHeader("X-Client-ID", "globex");
		assertThat(errorOf(this.strict, pathRequest)).isEqualTo(TenancyError.TENANT_MISMATCH);
	}

	@Test
	void selectorsThatDisagreeAreAMismatchWithoutAToken() {
		MockHttpServletRequest pathRequest = new MockHttpServletRequest("GET", "/t/acme/trips");
		pathRequest.addHeader("X-Client-ID", "globex");
		assertThat(errorOf(this.lenient, pathRequest)).isEqualTo(TenancyError.TENANT_MISMATCH);
	}

	@Test
	void headerNamesThatDisagreeAreAMismatch() {
		TestAuthentication.signInForAll("acme", "globex");
		this.request.addHeader("X-Client-ID", "acme");
		this.request.addHeader("X-Tenant-ID", "globex");
		assertThat(errorOf(this.strict, this.request)).isEqualTo(TenancyError.TENANT_MISMATCH);
	}

	@Test
	void malformedHeaderIsInvalidWhateverTheToken() {
		TestAuthentication.signInAs("acme");
		for (String value : List.of("ACME", " acme", "acme,globex", "\u0430cme", "a".repeat(10 * 1024))) {
			MockHttpServletRequest bad = new MockHttpServletRequest("GET", "/api/trips");
			bad.addHeader("X-Client-ID", value);
			assertThat(errorOf(this.strict, bad)).as(value).isEqualTo(TenancyError.TENANT_INVALID);
			assertThat(errorOf(this.lenient, bad)).as(value).isEqualTo(TenancyError.TENANT_INVALID);
		}
	}

	@Test
	void repeatedHeaderIsInvalid() {
		TestAuthentication.signInAs("acme");
		this.request.addHeader("X-Client-ID", "acme");
		this.request.addHeader("X-Client-ID", "globex");
		assertThat(errorOf(this.strict, this.request)).isEqualTo(TenancyError.TENANT_INVALID);
	}

	@Test
	void malformedTokenClaimIsInvalidEvenWithAValidHeader() {
		TestAuthentication.signIn(Map.of("tenant_id", "Acme"), "SCOPE_read");
		this.request.addHeader("X-Client-ID", "acme");
		assertThat(errorOf(this.strict, this.request)).isEqualTo(TenancyError.TENANT_INVALID);
	}

	@Test
	void malformedPathIsInvalidEvenWhenTheTokenAndHeaderAgree() {
		TestAuthentication.signInAs("acme");
		MockHttpServletRequest pathRequest = new MockHttpServletRequest("GET", "/t/%61cme/trips");
		pathRequest.addHeader("X-Client-ID", "acme");
		assertThat(errorOf(this.strict, pathRequest)).isEqualTo(TenancyError.TENANT_INVALID);
	}

	@Test
	void invalidWinsOverAMismatch() {
		TestAuthentication.signInAs("acme");
		MockHttpServletRequest pathRequest = new MockHttpServletRequest("GET", "/t/ACME/trips");
		pathRequest.addHeader("X-Client-ID", "globex");
		assertThat(errorOf(this.strict, pathRequest)).isEqualTo(TenancyError.TENANT_INVALID);
	}

	@Test
	void invalidWinsOverDisagreeingHeaderNames() {
		TestAuthentication.signIn(Map.of("tenant_id", "ACME"), "SCOPE_read");
		this.request.addHeader("X-Client-ID", "acme");
		this.request.addHeader("X-Tenant-ID", "globex");
		assertThat(errorOf(this.strict, this.request)).isEqualTo(TenancyError.TENANT_INVALID);
	}

	@Test
	void twoGrantingSourcesAreIntersected() {
		TenantResolver second = (request) -> TenantResolution.granted(java.util.Set.of(GLOBEX));
		CompositeTenantResolver composite = new CompositeTenantResolver(
				List.of(new JwtClaimTenantResolver("tenant_id", "tenants"), second), true);
		TestAuthentication.signInForAll("acme", "globex");
		assertThat(composite.resolve(this.request)).contains(GLOBEX);
		TestAuthentication.signInAs("acme");
		// Intersection is empty: no tenant is granted by both.
		assertThat(composite.resolve(this.request)).isEmpty();
	}

	@Test
	void registryIsNeverNeeded() {
		// The composite only decides syntax and agreement: an id nobody registered still
		// resolves, and
		// the isolation filter answers it with tenant_forbidden.
		TestAuthentication.signInAs("nosuch");
		assertThat(this.strict.resolve(this.request)).contains(TenantId.of("nosuch"));
	}

}
