package dev.tenancy.autoconfigure;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JOSEObjectType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.oauth2.jwt.JwtDecoder;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tenancy.autoconfigure.idpapp.IdpTestApplication;
import dev.tenancy.security.IdentityProviderKeys;
import dev.tenancy.security.ResilientJwtDecoder;
import dev.tenancy.test.FakeIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application on the starter as a resource server of an external identity provider
 * ({@code issuer-uri}), on a real port, with the identity provider a small HTTP server
 * that is flooded, stopped, slowed and lied to.
 */
class TenancyIdentityProviderFaultTest {

	private static final org.slf4j.Logger logger = LoggerFactory.getLogger(TenancyIdentityProviderFaultTest.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String EVIL = "evil.example";

	private final FakeIdentityProvider idp = new FakeIdentityProvider();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private ListAppender<ILoggingEvent> keysLog;

	private int port;

	@AfterEach
	void stop() {
		if (this.keysLog != null) {
			((Logger) LoggerFactory.getLogger(IdentityProviderKeys.class)).detachAppender(this.keysLog);
		}
		this.contexts.forEach(ConfigurableApplicationContext::close);
		this.idp.close();
	}

	private ConfigurableApplicationContext start(String... properties) {
		Map<String, Object> all = new LinkedHashMap<>();
		all.put("server.port", "0");
		all.put("spring.main.banner-mode", "off");
		// No database: this application has none.
		all.put("spring.autoconfigure.exclude",
				"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration");
		all.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", this.idp.issuer());
		all.put("tenancy.tenants.acme.display-name", "Acme Travel");
		for (String property : properties) {
			int equals = property.indexOf('=');
			all.put(property.substring(0, equals), property.substring(equals + 1));
		}
		ConfigurableApplicationContext context = new SpringApplicationBuilder(IdpTestApplication.class).properties(all)
			.run();
		this.contexts.add(context);
		this.port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		// Attached after start: Spring Boot resets Logback while starting.
		this.keysLog = new ListAppender<>();
		this.keysLog.start();
		((Logger) LoggerFactory.getLogger(IdentityProviderKeys.class)).addAppender(this.keysLog);
		return context;
	}

	private RawHttp.Response get(String path, String token) throws IOException {
		return (token != null) ? RawHttp.get(this.port, path, "localhost", "Authorization", "Bearer " + token)
				: RawHttp.get(this.port, path, "localhost");
	}

	private String acmeToken() {
		return this.idp.token((claims) -> claims.claim("tenant_id", "acme"));
	}

	private static String code(RawHttp.Response response) {
		JsonNode body = JSON.readTree(response.body());
		return body.path("code").asString();
	}

	private long logLines(String text) {
		return this.keysLog.list.stream().filter((event) -> event.getFormattedMessage().contains(text)).count();
	}

	@Test
	void theStarterBuildsTheDecoderAndBacksOffForTheApplicationsOwn() {
		ConfigurableApplicationContext context = start();
		assertThat(context.getBean(JwtDecoder.class)).isInstanceOf(ResilientJwtDecoder.class);
	}

	@Test
	void unknownKeyIdsAre401WithoutRefetching() throws Exception {
		start();
		assertThat(get("/api/whoami", acmeToken()).status()).isEqualTo(200);
		int before = this.idp.jwksRequests();

		for (int i = 0; i < 20; i++) {
			RawHttp.Response response = get("/api/whoami", this.idp.tokenWithUnknownKey("made-up-" + i));
			assertThat(response.status()).isEqualTo(401);
			assertThat(code(response)).isEqualTo("unauthorized");
			assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer error=\"invalid_token\"");
		}
		int fetches = this.idp.jwksRequests() - before;
		logger.info("20 requests with unknown key ids: {} JWK set fetches (1 more before them for the valid token)",
				fetches);
		assertThat(fetches).isLessThanOrEqualTo(1);
		assertThat(get("/api/whoami", acmeToken()).status()).isEqualTo(200);
	}

	@Test
	void identityProviderDownIs503WithRetryAfterAndLoggedOncePerOutage() throws Exception {
		start("tenancy.security.jwt.jwks-refetch-interval=1s", "tenancy.security.jwt.jwks-cache-ttl=1s",
				"tenancy.security.jwt.jwks-connect-timeout=1s", "tenancy.security.jwt.jwks-read-timeout=1s");
		String known = acmeToken();
		assertThat(get("/api/whoami", known).status()).isEqualTo(200);
		this.idp.stop();
		Thread.sleep(1100);

		for (int i = 0; i < 8; i++) {
			long start = System.nanoTime();
			RawHttp.Response response = get("/api/whoami", this.idp.tokenWithUnknownKey("during-outage-" + i));
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			assertThat(response.status()).isEqualTo(503);
			assertThat(response.header("Content-Type")).startsWith("application/problem+json");
			assertThat(code(response)).isEqualTo("identity_provider_unavailable");
			assertThat(Integer.parseInt(response.header("Retry-After"))).isBetween(1, 1);
			assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
			assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
			assertThat(response.header("Content-Security-Policy")).isNotBlank();
			assertThat(response.header("WWW-Authenticate")).isNull();
			assertThat(response.body()).doesNotContain("Exception", "127.0.0.1", "jwks");
			assertThat(took).isLessThan(Duration.ofMillis(3500));
			// Known keys keep working through the outage, past their cache TTL.
			assertThat(get("/api/whoami", known).status()).isEqualTo(200);
			Thread.sleep(300);
		}
		assertThat(logLines("cannot be fetched")).isEqualTo(1);

		this.idp.start();
		Thread.sleep(1100);
		assertThat(get("/api/whoami", this.idp.tokenWithUnknownKey("after-outage")).status()).isEqualTo(401);
		assertThat(get("/api/whoami", known).status()).isEqualTo(200);
		assertThat(logLines("can be fetched again")).isEqualTo(1);
		assertThat(logLines("cannot be fetched")).isEqualTo(1);
	}

	@Test
	void aSlowIdentityProviderIs503WithinTheTimeouts() throws Exception {
		start("tenancy.security.jwt.jwks-connect-timeout=1s", "tenancy.security.jwt.jwks-read-timeout=1s");
		this.idp.delay(Duration.ofSeconds(10));
		long start = System.nanoTime();
		RawHttp.Response response = get("/api/whoami", acmeToken());
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(response.status()).isEqualTo(503);
		assertThat(code(response)).isEqualTo("identity_provider_unavailable");
		assertThat(response.header("Retry-After")).isNotBlank();
		logger.info("Identity provider answering after 10 s: 503 after {} ms", took.toMillis());
		assertThat(took).isLessThan(Duration.ofMillis(3500));
		// The next request within the refetch interval does not wait at all.
		start = System.nanoTime();
		assertThat(get("/api/whoami", acmeToken()).status()).isEqualTo(503);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1000));
	}

	@Test
	void publicPathsNeverAskTheIdentityProvider() throws Exception {
		start();
		this.idp.delay(Duration.ofSeconds(10));
		for (String token : List.of(acmeToken(), this.idp.tokenWithUnknownKey("unknown"), "not-a-jwt",
				"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")) {
			long start = System.nanoTime();
			RawHttp.Response response = get("/actuator/health", token);
			assertThat(response.status()).isEqualTo(200);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		}
		assertThat(this.idp.jwksRequests()).isZero();
		assertThat(this.idp.requests(FakeIdentityProvider.DISCOVERY_PATH)).isZero();
	}

	@Test
	void accessTokensOfRfc9068AreAccepted() throws Exception {
		start();
		for (String type : new String[] { "at+jwt", "application/at+jwt", "JWT", null }) {
			String token = this.idp.token(this.idp.signingKey(), (type != null) ? new JOSEObjectType(type) : null,
					(claims) -> claims.claim("tenant_id", "acme"));
			assertThat(get("/api/whoami", token).status()).as("typ " + type).isEqualTo(200);
		}
		for (String type : new String[] { "secevent+jwt", "id_token+jwt", "logout+jwt" }) {
			String token = this.idp.token(this.idp.signingKey(), new JOSEObjectType(type),
					(claims) -> claims.claim("tenant_id", "acme"));
			RawHttp.Response response = get("/api/whoami", token);
			assertThat(response.status()).as("typ " + type).isEqualTo(401);
			assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer error=\"invalid_token\"");
		}
	}

	@Test
	void theChallengeDoesNotSpellOutWhyATokenFailed() throws Exception {
		start();
		String expired = this.idp.token((claims) -> claims.claim("tenant_id", "acme")
			.issueTime(new java.util.Date(System.currentTimeMillis() - 3_600_000))
			.expirationTime(new java.util.Date(System.currentTimeMillis() - 600_000)));
		String valid = acmeToken();
		String badSignature = valid.substring(0, valid.lastIndexOf('.') + 1)
				+ new StringBuilder(valid.substring(valid.lastIndexOf('.') + 1)).reverse();
		String wrongIssuer = this.idp
			.token((claims) -> claims.issuer("https://other.example").claim("tenant_id", "acme"));
		for (String token : List.of(expired, badSignature, wrongIssuer, "garbage", "a.b.c")) {
			RawHttp.Response response = get("/api/whoami", token);
			assertThat(response.status()).isEqualTo(401);
			assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer error=\"invalid_token\"");
			assertThat(response.raw()).doesNotContainIgnoringCase("expired")
				.doesNotContainIgnoringCase("signature")
				.doesNotContainIgnoringCase("issuer")
				.doesNotContain("error_description");
		}
		RawHttp.Response none = get("/api/whoami", null);
		assertThat(none.status()).isEqualTo(401);
		assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer");
	}

	@Test
	void theHostHeaderIsNeverReflected() throws Exception {
		start("tenancy.security.jwt.jwks-refetch-interval=1s", "tenancy.security.jwt.jwks-cache-ttl=1s");
		String valid = acmeToken();
		List<RawHttp.Response> responses = new ArrayList<>();
		for (String path : List.of("/api/whoami", "/.well-known/oauth-protected-resource",
				"/.well-known/oauth-protected-resource/api/whoami", "/.well-known/%6Fauth-protected-resource",
				"/actuator/health", "/nothing-here")) {
			responses.add(RawHttp.get(this.port, path, EVIL));
			responses.add(RawHttp.get(this.port, path, EVIL, "Authorization", "Bearer " + valid));
			responses.add(RawHttp.get(this.port, path, EVIL, "Authorization", "Bearer garbage"));
		}
		this.idp.stop();
		Thread.sleep(1100);
		responses.add(RawHttp.get(this.port, "/api/whoami", EVIL, "Authorization",
				"Bearer " + this.idp.tokenWithUnknownKey("unknown")));
		assertThat(responses.get(responses.size() - 1).status()).isEqualTo(503);
		for (RawHttp.Response response : responses) {
			assertThat(response.raw()).doesNotContain(EVIL);
		}
		RawHttp.Response metadata = RawHttp.get(this.port, "/.well-known/oauth-protected-resource", EVIL);
		assertThat(metadata.status()).isEqualTo(404);
	}

	@Test
	void aConfiguredBaseUrlIsPublishedInsteadOfTheHost() throws Exception {
		start("tenancy.security.resource-base-url=https://api.example.com/");
		RawHttp.Response metadata = RawHttp.get(this.port, "/.well-known/oauth-protected-resource", EVIL);
		assertThat(metadata.status()).isEqualTo(200);
		assertThat(JSON.readTree(metadata.body()).path("resource").asString()).isEqualTo("https://api.example.com");
		assertThat(metadata.raw()).doesNotContain(EVIL);
		RawHttp.Response challenge = RawHttp.get(this.port, "/api/whoami", EVIL, "Authorization", "Bearer garbage");
		assertThat(challenge.header("WWW-Authenticate")).isEqualTo(
				"Bearer error=\"invalid_token\", resource_metadata=\"https://api.example.com/.well-known/oauth-protected-resource\"");
		assertThat(challenge.raw()).doesNotContain(EVIL);
	}

}
