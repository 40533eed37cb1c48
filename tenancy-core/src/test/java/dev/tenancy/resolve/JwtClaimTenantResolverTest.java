package dev.tenancy.resolve;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import dev.tenancy.test.TestAuthentication;
import dev.tenancy.TenantId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class JwtClaimTenantResolverTest {

	private final JwtClaimTenantResolver resolver = new JwtClaimTenantResolver("tenant_id", "tenants");

	private final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/trips");

	@AfterEach
	void clearSecurityContext() {
		TestAuthentication.clear();
	}

	private static TenantResolution granted(String... tenants) {
		return TenantResolution.granted(Set.copyOf(Arrays.stream(tenants).map(TenantId::of).toList()));
	}

	private TenantResolution resolveWith(Map<String, Object> claims) {
		TestAuthentication.signIn(claims, "SCOPE_read");
		return this.resolver.resolve(this.request);
	}

	@Test
	void noAuthenticationSaysNothing() {
		assertThat(this.resolver.resolve(this.request)).isEqualTo(TenantResolution.none());
	}

	@Test
	void unauthenticatedTokenSaysNothing() {
		JwtAuthenticationToken token = new JwtAuthenticationToken(
				TestAuthentication.jwt(Map.of("tenant_id", "acme")).getToken());
		assertThat(token.isAuthenticated()).isFalse();
		SecurityContextHolder.setContext(new SecurityContextImpl(token));
		assertThat(this.resolver.resolve(this.request)).isEqualTo(TenantResolution.none());
	}

	@Test
	void principalWithoutClaimsSaysNothing() {
		SecurityContextHolder.setContext(new SecurityContextImpl(UsernamePasswordAuthenticationToken
			.authenticated("acme", null, AuthorityUtils.createAuthorityList("ROLE_USER"))));
		assertThat(this.resolver.resolve(this.request)).isEqualTo(TenantResolution.none());
		SecurityContextHolder.setContext(new SecurityContextImpl(new AnonymousAuthenticationToken("key",
				"anonymousUser", AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS"))));
		assertThat(this.resolver.resolve(this.request)).isEqualTo(TenantResolution.none());
	}

	@Test
	void singleClaimGrantsOneTenant() {
		assertThat(resolveWith(Map.of("tenant_id", "acme"))).isEqualTo(granted("acme"));
	}

	@Test
	void listClaimGrantsSeveralTenants() {
		assertThat(resolveWith(Map.of("tenants", List.of("acme", "globex")))).isEqualTo(granted("acme", "globex"));
	}

	@Test
	void bothClaimsAreCombined() {
		assertThat(resolveWith(Map.of("tenant_id", "acme", "tenants", List.of("globex"))))
			.isEqualTo(granted("acme", "globex"));
	}

	@Test
	void tokenWithoutTenantClaimsGrantsNothing() {
		TenantResolution resolution = resolveWith(Map.of("scope", "read"));
		assertThat(resolution).isEqualTo(TenantResolution.granted(Set.of()));
		assertThat(((TenantResolution.Granted) resolution).tenants()).isEmpty();
	}

	@Test
	void emptyListClaimGrantsNothing() {
		assertThat(resolveWith(Map.of("tenants", List.of()))).isEqualTo(TenantResolution.granted(Set.of()));
	}

	@Test
	void malformedSingleClaimValuesAreInvalid() {
		for (String value : List.of("", "ACME", " acme", "acme,globex", "acme globex", "\u0430cme", "%61cme",
				"a".repeat(64), "a".repeat(10 * 1024))) {
			assertThat(resolveWith(Map.of("tenant_id", value))).as(value).isEqualTo(TenantResolution.invalid());
		}
	}

	@Test
	void nonStringSingleClaimValuesAreInvalid() {
		for (Object value : List.of(42, true, List.of("acme"), Map.of("id", "acme"), 1.5)) {
			assertThat(resolveWith(Map.of("tenant_id", value))).as(String.valueOf(value))
				.isEqualTo(TenantResolution.invalid());
		}
	}

	@Test
	void listClaimThatIsNotAListIsInvalid() {
		assertThat(resolveWith(Map.of("tenants", "acme"))).isEqualTo(TenantResolution.invalid());
		assertThat(resolveWith(Map.of("tenants", "acme,globex"))).isEqualTo(TenantResolution.invalid());
		assertThat(resolveWith(Map.of("tenants", 7))).isEqualTo(TenantResolution.invalid());
		assertThat(resolveWith(Map.of("tenants", Map.of("acme", true)))).isEqualTo(TenantResolution.invalid());
	}

	@Test
	void oneBadEntryMakesTheWholeListInvalid() {
		assertThat(resolveWith(Map.of("tenants", List.of("acme", "GLOBEX")))).isEqualTo(TenantResolution.invalid());
		assertThat(resolveWith(Map.of("tenants", List.of("acme", 7)))).isEqualTo(TenantResolution.invalid());
		assertThat(resolveWith(Map.of("tenants", Arrays.asList("acme", null)))).isEqualTo(TenantResolution.invalid());
		assertThat(resolveWith(Map.of("tenants", List.of("acme", List.of("globex")))))
			.isEqualTo(TenantResolution.invalid());
	}

	@Test
	void badListClaimMakesAValidSingleClaimInvalidToo() {
		assertThat(resolveWith(Map.of("tenant_id", "acme", "tenants", List.of("-x"))))
			.isEqualTo(TenantResolution.invalid());
	}

	@Test
	void customClaimNames() {
		JwtClaimTenantResolver custom = new JwtClaimTenantResolver("org", null);
		TestAuthentication.signIn(Map.of("org", "globex", "tenant_id", "acme", "tenants", List.of("acme")),
				"SCOPE_read");
		assertThat(custom.resolve(this.request)).isEqualTo(granted("globex"));
		JwtClaimTenantResolver listOnly = new JwtClaimTenantResolver(" ", "orgs");
		TestAuthentication.signIn(Map.of("orgs", List.of("initech"), "tenant_id", "acme"), "SCOPE_read");
		assertThat(listOnly.resolve(this.request)).isEqualTo(granted("initech"));
	}

	@Test
	void needsAClaimName() {
		assertThatIllegalArgumentException().isThrownBy(() -> new JwtClaimTenantResolver(null, " "));
	}

}
