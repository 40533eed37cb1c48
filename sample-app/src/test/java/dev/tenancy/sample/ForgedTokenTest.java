package dev.tenancy.sample;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Forged, expired and malformed bearer tokens are a 401 {@code unauthorized} before
 * anything tenant-related runs. Each forgery differs from a token the app accepts (the
 * control case) in one way only, so each 401 is due to that defect.
 */
@LocalAppTest
class ForgedTokenTest {

	private static RSAKey attackerKey;

	@LocalServerPort
	int port;

	@Value("${sample.local-issuer}")
	String issuer;

	@Autowired
	JWKSource<SecurityContext> jwkSource;

	RSAKey appKey;

	@BeforeEach
	void keys() throws Exception {
		List<JWK> keys = this.jwkSource.get(new JWKSelector(new JWKMatcher.Builder().keyType(KeyType.RSA).build()),
				null);
		assertThat(keys).hasSize(1);
		this.appKey = (RSAKey) keys.get(0);
		assertThat(this.appKey.isPrivate()).isTrue();
		if (attackerKey == null) {
			attackerKey = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
		}
	}

	Api api() {
		return new Api(this.port);
	}

	JWTClaimsSet.Builder validClaims() {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().issuer(this.issuer)
			.subject("acme-client")
			.audience("acme-client")
			.claim("tenant_id", "acme")
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
			.jwtID(UUID.randomUUID().toString());
	}

	static String rs256(RSAKey key, JWSHeader header, JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(header, claims);
			jwt.sign(new RSASSASigner(key));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	String signedByApp(JWTClaimsSet claims) {
		return rs256(this.appKey, new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(this.appKey.getKeyID()).build(),
				claims);
	}

	static String hs256(byte[] secret, String keyId, JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keyId).build(), claims);
			jwt.sign(new MACSigner(secret));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String pem(byte[] der) {
		return "-----BEGIN PUBLIC KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
				+ "\n-----END PUBLIC KEY-----\n";
	}

	@Test
	void controlTokenSignedWithTheAppKeyIsAccepted() {
		HttpResponse<String> response = api().get("/api/tenant", "Authorization",
				Api.bearer(signedByApp(validClaims().build())));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Api.json(response).path("id").asString()).isEqualTo("acme");
	}

	static Stream<Arguments> forgeries() {
		return Stream.of(forgery("alg none", (t) -> new PlainJWT(t.validClaims().build()).serialize()),
				forgery("alg none, header claims the app's kid",
						(t) -> b64("{\"alg\":\"none\",\"kid\":\"" + t.appKey.getKeyID() + "\"}") + "."
								+ b64(t.validClaims().build().toString()) + "."),
				forgery("signed by another RSA key with the app's kid",
						(t) -> rs256(attackerKey,
								new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(t.appKey.getKeyID()).build(),
								t.validClaims().build())),
				forgery("signed by another RSA key, embedded jwk header",
						(t) -> rs256(attackerKey,
								new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(attackerKey.getKeyID())
									.jwk(attackerKey.toPublicJWK())
									.build(),
								t.validClaims().build())),
				forgery("HS256 with the app's RSA public key (DER) as secret",
						(t) -> hs256(publicDer(t), t.appKey.getKeyID(), t.validClaims().build())),
				forgery("HS256 with the app's RSA public key (PEM) as secret",
						(t) -> hs256(pem(publicDer(t)).getBytes(StandardCharsets.US_ASCII), t.appKey.getKeyID(),
								t.validClaims().build())),
				forgery("HS256 with the app's public JWK JSON as secret",
						(t) -> hs256(t.appKey.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8),
								t.appKey.getKeyID(), t.validClaims().build())),
				forgery("expired ten minutes ago",
						(t) -> t.signedByApp(t.validClaims()
							.issueTime(Date.from(Instant.now().minus(Duration.ofMinutes(25))))
							.notBeforeTime(Date.from(Instant.now().minus(Duration.ofMinutes(25))))
							.expirationTime(Date.from(Instant.now().minus(Duration.ofMinutes(10))))
							.build())),
				forgery("expired two minutes ago, beyond the 60 s skew",
						(t) -> t.signedByApp(t.validClaims()
							.issueTime(Date.from(Instant.now().minus(Duration.ofMinutes(10))))
							.notBeforeTime(Date.from(Instant.now().minus(Duration.ofMinutes(10))))
							.expirationTime(Date.from(Instant.now().minus(Duration.ofMinutes(2))))
							.build())),
				forgery("no exp", (t) -> t.signedByApp(t.validClaims().expirationTime(null).build())),
				forgery("not valid before an hour from now",
						(t) -> t.signedByApp(t.validClaims()
							.notBeforeTime(Date.from(Instant.now().plus(Duration.ofHours(1))))
							.expirationTime(Date.from(Instant.now().plus(Duration.ofHours(2))))
							.build())),
				forgery("wrong issuer", (t) -> t.signedByApp(t.validClaims().issuer("https://evil.example").build())),
				forgery("issuer with another port",
						(t) -> t.signedByApp(t.validClaims().issuer(t.issuer.replace("8080", "8081")).build())),
				forgery("no issuer", (t) -> t.signedByApp(t.validClaims().issuer(null).build())),
				forgery("real token with its payload changed to globex", (t) -> {
					String[] parts = t.api().token("acme-client").split("\\.");
					String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
						.replace("\"acme\"", "\"globex\"");
					assertThat(payload).contains("\"globex\"");
					return parts[0] + "." + b64(payload) + "." + parts[2];
				}), forgery("real token with its signature removed", (t) -> {
					String token = t.api().token("acme-client");
					return token.substring(0, token.lastIndexOf('.') + 1);
				}), forgery("garbage", (t) -> "not-a-jwt"),
				forgery("three garbage segments", (t) -> "eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl"));
	}

	static Arguments forgery(String name, Function<ForgedTokenTest, String> token) {
		return Arguments.of(name, token);
	}

	static byte[] publicDer(ForgedTokenTest t) {
		try {
			return t.appKey.toRSAPublicKey().getEncoded();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String b64(String json) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("forgeries")
	void forgedTokensAreUnauthorized(String name, Function<ForgedTokenTest, String> forge) {
		String token = forge.apply(this);

		HttpResponse<String> response = api().get("/api/tenant", "Authorization", Api.bearer(token));

		assertThat(response.statusCode()).as(name).isEqualTo(401);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(Api.code(response)).as(name).isEqualTo("unauthorized");
		assertThat(response.body()).doesNotContain("acme").doesNotContain("globex");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("forgeries")
	void forgedTokensDoNotOpenTheAdminApi(String name, Function<ForgedTokenTest, String> forge) {
		String token = forge.apply(this);

		HttpResponse<String> response = api().get("/admin/tenants", "Authorization", Api.bearer(token));

		assertThat(response.statusCode()).as(name).isEqualTo(401);
		assertThat(response.body()).doesNotContain("Acme Travel");
	}

	@Test
	void forgedAdminScopeIsUnauthorized() {
		JWTClaimsSet claims = validClaims().subject("ops-client")
			.claim("tenant_id", null)
			.claim("scope", "tenancy.admin")
			.build();

		assertThat(
				api().get("/admin/tenants", "Authorization", Api.bearer(new PlainJWT(claims).serialize())).statusCode())
			.isEqualTo(401);
		assertThat(api()
			.get("/admin/tenants", "Authorization",
					Api.bearer(rs256(attackerKey,
							new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(this.appKey.getKeyID()).build(), claims)))
			.statusCode()).isEqualTo(401);
		// The control: the same claims signed with the app's key are an administrator.
		assertThat(api().get("/admin/tenants", "Authorization", Api.bearer(signedByApp(claims))).statusCode())
			.isEqualTo(200);
	}

}
