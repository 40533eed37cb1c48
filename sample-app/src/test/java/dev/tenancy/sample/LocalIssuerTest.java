package dev.tenancy.sample;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code local} profile's authorization server: which client gets which claims, and
 * what it refuses.
 */
@LocalAppTest
class LocalIssuerTest {

	@LocalServerPort
	int port;

	@Value("${sample.local-issuer}")
	String issuer;

	@Autowired
	JwtDecoder jwtDecoder;

	Api api() {
		return new Api(this.port);
	}

	@ParameterizedTest
	@CsvSource({ "acme-client, acme", "globex-client, globex", "initech-client, initech" })
	void tenantClientsGetTheirTenantClaimAndNoScope(String client, String tenant) {
		HttpResponse<String> response = api().tokenRequestBasic(client, Api.secretOf(client),
				"grant_type=client_credentials");

		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = Api.json(response);
		assertThat(body.path("token_type").asString()).isEqualTo("Bearer");
		assertThat(body.has("scope")).isFalse();
		Jwt jwt = this.jwtDecoder.decode(body.path("access_token").asString());
		assertThat(jwt.getHeaders()).containsEntry("alg", "RS256");
		assertThat(jwt.getClaimAsString("tenant_id")).isEqualTo(tenant);
		assertThat(jwt.getClaimAsString("iss")).isEqualTo(this.issuer);
		assertThat(jwt.getSubject()).isEqualTo(client);
		assertThat(jwt.hasClaim("scope")).isFalse();
		assertThat(jwt.getExpiresAt()).isNotNull()
			.isAfter(Instant.now())
			.isBefore(Instant.now().plus(Duration.ofMinutes(16)));
	}

	@Test
	void opsClientGetsTheAdminScopeAndNoTenant() {
		HttpResponse<String> response = api().tokenRequestBasic("ops-client", "ops-secret",
				"grant_type=client_credentials");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Api.json(response).path("scope").asString()).isEqualTo("tenancy.admin");
		Jwt jwt = this.jwtDecoder.decode(Api.json(response).path("access_token").asString());
		assertThat(jwt.getClaimAsStringList("scope")).containsExactly("tenancy.admin");
		assertThat(jwt.hasClaim("tenant_id")).isFalse();
		assertThat(jwt.hasClaim("tenants")).isFalse();
	}

	@Test
	void clientSecretPostIsAccepted() {
		HttpResponse<String> response = api()
			.tokenRequestPost("grant_type=client_credentials&client_id=globex-client&client_secret=globex-secret");

		assertThat(response.statusCode()).isEqualTo(200);
		Jwt jwt = this.jwtDecoder.decode(Api.json(response).path("access_token").asString());
		assertThat(jwt.getClaimAsString("tenant_id")).isEqualTo("globex");
	}

	@Test
	void wrongSecretIsRefused() {
		HttpResponse<String> response = api().tokenRequestBasic("acme-client", "globex-secret",
				"grant_type=client_credentials");

		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.body()).contains("invalid_client").doesNotContain("access_token");
	}

	@Test
	void unknownClientIsRefused() {
		HttpResponse<String> response = api()
			.tokenRequestPost("grant_type=client_credentials&client_id=hooli-client&client_secret=hooli-secret");

		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.body()).doesNotContain("access_token");
	}

	@Test
	void aTenantClientCannotAskForTheAdminScope() {
		HttpResponse<String> response = api().tokenRequestBasic("acme-client", "acme-secret",
				"grant_type=client_credentials&scope=tenancy.admin");

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("invalid_scope").doesNotContain("access_token");
	}

	@Test
	void jwkSetIsPublicAndHoldsOnlyThePublicKey() {
		HttpResponse<String> response = api().get("/oauth2/jwks");

		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode keys = Api.json(response).path("keys");
		assertThat(keys.size()).isEqualTo(1);
		assertThat(keys.path(0).path("kty").asString()).isEqualTo("RSA");
		assertThat(keys.path(0).has("d")).isFalse();
		assertThat(keys.path(0).has("p")).isFalse();
	}

	@Test
	void metadataNamesTheFixedIssuer() {
		HttpResponse<String> response = api().get("/.well-known/oauth-authorization-server");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Api.json(response).path("issuer").asString()).isEqualTo("http://localhost:8080");
	}

}
