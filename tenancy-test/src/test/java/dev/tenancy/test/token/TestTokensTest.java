package dev.tenancy.test.token;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Test tokens verify against the published JWK set and the issuer, as a resource server's
 * decoder checks them.
 */
class TestTokensTest {

	final TestTokens tokens = TestTokens.shared();

	JwtDecoder decoder() {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(this.tokens.jwkSetUri().toString()).build();
		decoder.setJwtValidator(JwtValidators.createDefaultWithIssuer(this.tokens.issuer()));
		return decoder;
	}

	@Test
	void aTenantUsersTokenCarriesTheTenantClaim() {
		Jwt jwt = decoder().decode(this.tokens.forTenant("acme"));

		assertThat(jwt.getClaimAsString("tenant_id")).isEqualTo("acme");
		assertThat(jwt.getSubject()).isEqualTo("user@acme");
		assertThat(jwt.getIssuer()).hasToString(this.tokens.issuer());
		assertThat(jwt.getExpiresAt()).isAfter(jwt.getIssuedAt());
	}

	@Test
	void aMultiTenantTokenCarriesTheListClaimAndNoSingleTenant() {
		Jwt jwt = decoder().decode(this.tokens.forTenants("acme", "globex"));

		assertThat(jwt.getClaimAsStringList("tenants")).containsExactly("acme", "globex");
		assertThat(jwt.hasClaim("tenant_id")).isFalse();
	}

	@Test
	void anAdminTokenHasTheAdminScopeAndNoTenant() {
		Jwt jwt = decoder().decode(this.tokens.admin());

		assertThat(jwt.getClaimAsString("scope")).isEqualTo("tenancy.admin");
		assertThat(jwt.hasClaim("tenant_id")).isFalse();
		assertThat(decoder().decode(this.tokens.withoutTenant()).getClaims()).doesNotContainKeys("tenant_id",
				"tenants");
	}

	@Test
	void otherClaimNamesAreHonoured() {
		TestTokens custom = this.tokens.withClaimNames(new TestTokens.ClaimNames("org", "orgs", "ops"));

		assertThat(decoder().decode(custom.forTenant("acme")).getClaimAsString("org")).isEqualTo("acme");
		assertThat(decoder().decode(custom.forTenants("acme")).getClaimAsStringList("orgs")).containsExactly("acme");
		assertThat(decoder().decode(custom.admin()).getClaimAsString("scope")).isEqualTo("ops");
	}

	@Test
	void aTamperedTokenIsRefused() {
		String[] parts = this.tokens.forTenant("acme").split("\\.");
		String globexPayload = java.util.Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(
					new String(java.util.Base64.getUrlDecoder().decode(parts[1])).replace("acme", "globex").getBytes());

		assertThatExceptionOfType(BadJwtException.class)
			.isThrownBy(() -> decoder().decode(parts[0] + "." + globexPayload + "." + parts[2]));
	}

	@Test
	void theResourceServerPropertiesNameTheIssuerAndItsKeys() {
		assertThat(this.tokens.resourceServerProperties())
			.containsEntry("spring.security.oauth2.resourceserver.jwt.issuer-uri", this.tokens.issuer())
			.containsEntry("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", this.tokens.jwkSetUri().toString());
	}

	@Test
	void requestsCarryTheTenantUsersBearerToken() {
		MockHttpServletRequest request = TenantRequests.asTenant("acme")
			.postProcessRequest(new MockHttpServletRequest());
		HttpHeaders headers = new HttpHeaders();
		TenantRequests.tenantHeaders("globex").accept(headers);

		String mockMvcToken = request.getHeader(HttpHeaders.AUTHORIZATION).substring("Bearer ".length());
		String clientToken = headers.getFirst(HttpHeaders.AUTHORIZATION).substring("Bearer ".length());
		assertThat(decoder().decode(mockMvcToken).getClaimAsString("tenant_id")).isEqualTo("acme");
		assertThat(decoder().decode(clientToken).getClaimAsString("tenant_id")).isEqualTo("globex");
		assertThat(List.of(request.getHeader(HttpHeaders.AUTHORIZATION))).hasSize(1);
	}

}
