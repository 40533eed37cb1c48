package dev.tenancy.configserver.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import java.util.function.Consumer;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tenancy.test.FakeIdentityProvider;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Service authentication by access token over a real port, against a real issuer's JWK
 * set (a fake identity provider on loopback): the right service reads its own
 * configuration; a token for another service, expired, for another audience, from another
 * issuer, signed by an unpublished key, unsigned, malformed or oversized is refused; the
 * tenant API needs {@code tenants:read}. HTTP basic keeps working beside it, with the
 * same per-service rules.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "tenancy.config-server.clients.sample-app.password={noop}sample-secret",
				"tenancy.config-server.clients.billing.password={noop}billing-secret",
				"tenancy.config-server.clients.billing.tenant-api=false",
				// a small pool: the shared PostgreSQL serves many cached test contexts
				"spring.datasource.hikari.maximum-pool-size=2" })
class ServiceTokenAuthenticationTest {

	private static final FakeIdentityProvider ISSUER = new FakeIdentityProvider();

	private static final HttpClient CLIENT = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(5))
		.followRedirects(HttpClient.Redirect.NEVER)
		.build();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void issuer(DynamicPropertyRegistry registry) {
		registry.add("tenancy.config-server.token.issuer-uri", ISSUER::issuer);
		registry.add("tenancy.config-server.token.jwk-set-uri", () -> ISSUER.jwkSetUri().toString());
	}

	@AfterAll
	static void stopIssuer() {
		ISSUER.close();
	}

	private static String token(String scope, Consumer<JWTClaimsSet.Builder> more) {
		return ISSUER.token((claims) -> {
			claims.subject("svc-" + scope.hashCode()).audience("config-server").claim("scope", scope);
			more.accept(claims);
		});
	}

	private static String token(String scope) {
		return token(scope, (claims) -> {
		});
	}

	private HttpResponse<String> get(String path, String authorization) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.header("Accept", "application/json")
			.timeout(Duration.ofSeconds(30))
			.GET();
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> bearer(String path, String token) throws Exception {
		return get(path, "Bearer " + token);
	}

	private static void assertUnauthorizedToken(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate"))
			.hasValueSatisfying((challenge) -> assertThat(challenge).startsWith("Bearer").contains("invalid_token"));
		assertThat(response.body()).contains("\"code\":\"unauthorized\"")
			.doesNotContain("propertySources", "X-Client-ID", "expired", "audience", "signature");
	}

	@Test
	void theRightServiceReadsItsOwnConfiguration() throws Exception {
		HttpResponse<String> response = bearer("/sample-app/default", token("config:sample-app"));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.body()).contains("X-Client-ID");
	}

	@Test
	void anRfc9068AccessTokenTypeIsAccepted() throws Exception {
		String token = ISSUER.token(ISSUER.signingKey(), new JOSEObjectType("at+jwt"),
				(claims) -> claims.audience("config-server").claim("scope", "config:sample-app"));

		assertThat(bearer("/sample-app/default", token).statusCode()).isEqualTo(200);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/billing/default", "/billing-default.yml", "/sample-app/billing-default.yml",
			"/application/default", "/sample-app,billing/default" })
	void aServiceTokenNeverReadsAnotherServicesConfiguration(String path) throws Exception {
		HttpResponse<String> response = bearer(path, token("config:sample-app"));

		assertThat(response.statusCode()).as(path).isIn(400, 403);
		assertThat(response.body()).doesNotContain("propertySources");
	}

	@Test
	void anotherServicesTokenCannotReadTheSampleApp() throws Exception {
		HttpResponse<String> response = bearer("/sample-app/default", token("config:billing"));

		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.body()).doesNotContain("X-Client-ID");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "tenants:read", "config:sample-app config:billing", "config:Sample-App",
			"config:../sample-app", "config:", "config:application", "sample-app" })
	void aTokenThatDoesNotNameExactlyOneApplicationReadsNone(String scope) throws Exception {
		HttpResponse<String> response = bearer("/sample-app/default", token(scope));

		assertThat(response.statusCode()).as(scope).isEqualTo(403);
		assertThat(response.body()).doesNotContain("X-Client-ID");
	}

	@Test
	void aTokenNamedLikeTheApplicationBySubjectOnlyReadsNothing() throws Exception {
		String token = ISSUER.token((claims) -> claims.subject("sample-app").audience("config-server"));

		assertThat(bearer("/sample-app/default", token).statusCode()).isEqualTo(403);
	}

	@Test
	void anExpiredTokenIsRefused() throws Exception {
		Instant past = Instant.now().minus(Duration.ofMinutes(10));
		assertUnauthorizedToken(bearer("/sample-app/default", token("config:sample-app",
				(claims) -> claims.issueTime(Date.from(past)).expirationTime(Date.from(past.plusSeconds(60))))));
	}

	@Test
	void aTokenWithoutExpiryIsRefused() throws Exception {
		assertUnauthorizedToken(
				bearer("/sample-app/default", token("config:sample-app", (claims) -> claims.expirationTime(null))));
	}

	@Test
	void aTokenNotYetValidIsRefused() throws Exception {
		Instant future = Instant.now().plus(Duration.ofMinutes(10));
		assertUnauthorizedToken(bearer("/sample-app/default",
				token("config:sample-app", (claims) -> claims.notBeforeTime(Date.from(future))
					.expirationTime(Date.from(future.plusSeconds(300))))));
	}

	@ParameterizedTest
	@ValueSource(strings = { "sample-app", "tenancy", "config-server-other", "" })
	void aTokenForAnotherAudienceIsRefused(String audience) throws Exception {
		assertUnauthorizedToken(bearer("/sample-app/default",
				token("config:sample-app", (claims) -> claims.audience(audience.isEmpty() ? null : audience))));
	}

	@Test
	void aTokenFromAnotherIssuerIsRefused() throws Exception {
		assertUnauthorizedToken(bearer("/sample-app/default",
				token("config:sample-app", (claims) -> claims.issuer("http://evil.example"))));
		assertUnauthorizedToken(
				bearer("/sample-app/default", token("config:sample-app", (claims) -> claims.issuer(null))));
	}

	@Test
	void aTokenSignedWithAnUnpublishedKeyIsRefused() throws Exception {
		String token = ISSUER.token(FakeIdentityProvider.unpublishedKey("key-1"), JOSEObjectType.JWT,
				(claims) -> claims.audience("config-server").claim("scope", "config:sample-app"));

		assertUnauthorizedToken(bearer("/sample-app/default", token));
		assertUnauthorizedToken(bearer("/sample-app/default", ISSUER.tokenWithUnknownKey("key-9")));
	}

	@Test
	void anUnsignedTokenIsRefused() throws Exception {
		String good = token("config:sample-app");
		String payload = good.split("\\.")[1];
		String header = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

		assertUnauthorizedToken(bearer("/sample-app/default", header + "." + payload + "."));
	}

	@ParameterizedTest
	@ValueSource(strings = { "abc", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30.", "....", "%00", "eyJ" })
	void malformedTokensAreRefused(String token) throws Exception {
		assertUnauthorizedToken(bearer("/sample-app/default", token));
	}

	@Test
	void anOversizedTokenIsRefusedUnread() throws Exception {
		String good = token("config:sample-app", (claims) -> claims.claim("padding", "x".repeat(5000)));
		assertThat(good.length()).isGreaterThan(4096);

		assertUnauthorizedToken(bearer("/sample-app/default", good));
		// beyond the server's header limit: refused by the connector
		HttpResponse<String> huge = bearer("/sample-app/default", "a".repeat(20_000));
		assertThat(huge.statusCode()).isIn(400, 401, 431);
		assertThat(huge.body()).doesNotContain("propertySources");
	}

	@Test
	void noCredentialIsAskedForBasic() throws Exception {
		HttpResponse<String> response = get("/sample-app/default", null);

		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate"))
			.hasValueSatisfying((challenge) -> assertThat(challenge).startsWith("Basic").contains("config-server"));
		assertThat(response.body()).doesNotContain("X-Client-ID");
	}

	@Test
	void theTenantApiNeedsTheTenantsReadScope() throws Exception {
		assertThat(bearer("/tenants/changes/latest", token("config:sample-app tenants:read")).statusCode())
			.isEqualTo(200);
		assertThat(bearer("/tenants/changes/latest", token("tenants:read")).statusCode()).isEqualTo(200);
		assertThat(bearer("/tenants/changes/latest", token("config:sample-app")).statusCode()).isEqualTo(403);
		assertThat(bearer("/tenants/acme", token("config:sample-app")).statusCode()).isEqualTo(403);
	}

	@Test
	void basicClientsKeepWorkingWithTheSameRules() throws Exception {
		String sample = basic("sample-app", "sample-secret");
		String billing = basic("billing", "billing-secret");

		assertThat(get("/sample-app/default", sample).statusCode()).isEqualTo(200);
		assertThat(get("/billing/default", sample).statusCode()).isEqualTo(403);
		assertThat(get("/tenants/changes/latest", sample).statusCode()).isEqualTo(200);
		// billing has tenant-api=false
		assertThat(get("/billing/default", billing).statusCode()).isEqualTo(200);
		assertThat(get("/tenants/changes/latest", billing).statusCode()).isEqualTo(403);
	}

	@Test
	void tokensNeverReachTheAdminApiOrTheEncryptionEndpoints() throws Exception {
		String token = token("config:sample-app tenants:read tenancy.admin");

		assertThat(bearer("/admin/tenants", token).statusCode()).isIn(401, 403, 503);
		assertThat(bearer("/encrypt/status", token).statusCode()).isEqualTo(403);
		assertThat(bearer("/key", token).statusCode()).isEqualTo(403);
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

}
