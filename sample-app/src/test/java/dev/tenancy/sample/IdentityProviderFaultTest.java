package dev.tenancy.sample;

import java.net.http.HttpResponse;
import java.time.Duration;

import com.nimbusds.jose.JOSEObjectType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.tenancy.security.ResilientJwtDecoder;
import dev.tenancy.test.FakeIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app outside the {@code local} profile, as deployed: a resource server of an
 * external identity provider ({@code issuer-uri}), here a fake one that is flooded and
 * stopped.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class IdentityProviderFaultTest {

	private static final Logger logger = LoggerFactory.getLogger(IdentityProviderFaultTest.class);

	static final FakeIdentityProvider idp = new FakeIdentityProvider();

	@LocalServerPort
	int port;

	@Autowired
	JwtDecoder decoder;

	@Autowired
	org.springframework.context.ApplicationContext context;

	@DynamicPropertySource
	static void identityProvider(DynamicPropertyRegistry registry) {
		registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", idp::issuer);
		registry.add("tenancy.security.jwt.jwks-refetch-interval", () -> "1s");
		registry.add("tenancy.security.jwt.jwks-cache-ttl", () -> "1s");
		registry.add("tenancy.security.jwt.jwks-connect-timeout", () -> "1s");
		registry.add("tenancy.security.jwt.jwks-read-timeout", () -> "1s");
	}

	@AfterAll
	static void stopIdentityProvider() {
		idp.close();
	}

	Api api() {
		return new Api(this.port);
	}

	private static String adminToken() {
		// An RFC 9068 access token, as Keycloak, Auth0 or Spring Authorization Server may
		// issue.
		return idp.token(idp.signingKey(), new JOSEObjectType("at+jwt"),
				(claims) -> claims.subject("ops").claim("scope", "tenancy.admin"));
	}

	@Test
	void floodsAndOutagesOfTheIdentityProvider() throws Exception {
		assertThat(this.decoder).isInstanceOf(ResilientJwtDecoder.class);
		String admin = adminToken();
		assertThat(api().get("/admin/tenants", "Authorization", Api.bearer(admin)).statusCode()).isEqualTo(200);

		// A flood of tokens naming keys the identity provider does not have.
		int before = idp.jwksRequests();
		for (int i = 0; i < 20; i++) {
			HttpResponse<String> response = api().get("/admin/tenants", "Authorization",
					Api.bearer(idp.tokenWithUnknownKey("flood-" + i)));
			assertThat(response.statusCode()).isEqualTo(401);
			assertThat(Api.code(response)).isEqualTo("unauthorized");
			assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
		}
		int fetches = idp.jwksRequests() - before;
		logger.info("20 tokens with unknown key ids cost {} JWK set fetches", fetches);
		assertThat(fetches).isLessThanOrEqualTo(2);

		// The identity provider goes away.
		idp.stop();
		Thread.sleep(1100);
		long start = System.nanoTime();
		HttpResponse<String> unavailable = api().get("/admin/tenants", "Authorization",
				Api.bearer(idp.tokenWithUnknownKey("during-outage")));
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(unavailable.statusCode()).isEqualTo(503);
		assertThat(unavailable.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(Api.code(unavailable)).isEqualTo("identity_provider_unavailable");
		assertThat(unavailable.headers().firstValue("Retry-After")).isPresent();
		assertThat(unavailable.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
		assertThat(unavailable.headers().firstValue("Content-Security-Policy")).isPresent();
		assertThat(took).isLessThan(Duration.ofMillis(3500));

		// Known keys keep working, and health never asks the identity provider.
		assertThat(api().get("/admin/tenants", "Authorization", Api.bearer(admin)).statusCode()).isEqualTo(200);
		assertThat(Api.management(this.context)
			.get("/actuator/health", "Authorization", Api.bearer(idp.tokenWithUnknownKey("health")))
			.statusCode()).isEqualTo(200);

		idp.start();
		Thread.sleep(1100);
		assertThat(
				api().get("/admin/tenants", "Authorization", Api.bearer(idp.tokenWithUnknownKey("after"))).statusCode())
			.isEqualTo(401);
		assertThat(api().get("/admin/tenants", "Authorization", Api.bearer(admin)).statusCode()).isEqualTo(200);
	}

}
