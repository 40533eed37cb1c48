package dev.tenancy.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The starter's JWT validator is applied by the decoder Spring Boot builds: {@code exp}
 * is required and clock skew is bounded; the algorithm is pinned.
 */
class TenancyJwtDecodingTest {

	private static KeyPair issuerKey;

	private static KeyPair otherKey;

	private static Path publicKeyFile;

	@BeforeAll
	static void keys(@TempDir Path dir) throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		issuerKey = generator.generateKeyPair();
		otherKey = generator.generateKeyPair();
		publicKeyFile = dir.resolve("issuer.pub");
		Files.writeString(publicKeyFile,
				"-----BEGIN PUBLIC KEY-----\n"
						+ Base64.getMimeEncoder().encodeToString(issuerKey.getPublic().getEncoded())
						+ "\n-----END PUBLIC KEY-----\n");
	}

	private WebApplicationContextRunner runner() {
		return new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TenancySecurityAutoConfiguration.class,
					TenancyAdminAutoConfiguration.class, TenancyAutoConfiguration.class,
					TenancyRegistryAutoConfiguration.class, SecurityAutoConfiguration.class,
					ServletWebSecurityAutoConfiguration.class, OAuth2ResourceServerAutoConfiguration.class))
			.withPropertyValues("spring.security.oauth2.resourceserver.jwt.public-key-location=file:" + publicKeyFile);
	}

	private static JWTClaimsSet.Builder claims() {
		return new JWTClaimsSet.Builder().subject("acme-client").claim("tenant_id", "acme").issueTime(in(-600));
	}

	private static String rs256(JWTClaimsSet claims, KeyPair key) throws Exception {
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
		jwt.sign(new RSASSASigner((RSAPrivateKey) key.getPrivate()));
		return jwt.serialize();
	}

	private static Date in(long seconds) {
		return Date.from(Instant.now().plusSeconds(seconds));
	}

	@Test
	void validTokenIsAccepted() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			Jwt jwt = context.getBean(JwtDecoder.class)
				.decode(rs256(claims().expirationTime(in(300)).build(), issuerKey));
			assertThat(jwt.getClaimAsString("tenant_id")).isEqualTo("acme");
		});
	}

	@Test
	void tokenWithoutExpiryIsRejected() {
		runner().run((context) -> {
			String token = rs256(claims().build(), issuerKey);
			assertThatExceptionOfType(JwtException.class)
				.isThrownBy(() -> context.getBean(JwtDecoder.class).decode(token));
		});
	}

	@Test
	void withoutTheStarterSpringAcceptsATokenWithoutExpiry() {
		// Shows what the starter adds: Spring's default validator lets a token without
		// exp through.
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SecurityAutoConfiguration.class,
					ServletWebSecurityAutoConfiguration.class, OAuth2ResourceServerAutoConfiguration.class))
			.withPropertyValues("spring.security.oauth2.resourceserver.jwt.public-key-location=file:" + publicKeyFile)
			.run((context) -> assertThat(
					context.getBean(JwtDecoder.class).decode(rs256(claims().build(), issuerKey)).getExpiresAt())
				.isNull());
	}

	@Test
	void expiredTokenIsRejectedBeyondTheClockSkew() {
		runner().run((context) -> {
			JwtDecoder decoder = context.getBean(JwtDecoder.class);
			String longExpired = rs256(claims().expirationTime(in(-120)).build(), issuerKey);
			assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode(longExpired));
			String justExpired = rs256(claims().expirationTime(in(-20)).build(), issuerKey);
			assertThat(decoder.decode(justExpired).getSubject()).isEqualTo("acme-client");
		});
		runner().withPropertyValues("tenancy.security.jwt.clock-skew=5s").run((context) -> {
			String justExpired = rs256(claims().expirationTime(in(-20)).build(), issuerKey);
			assertThatExceptionOfType(JwtException.class)
				.isThrownBy(() -> context.getBean(JwtDecoder.class).decode(justExpired));
		});
	}

	@Test
	void forgedTokensAreRejected() {
		runner().run((context) -> {
			JwtDecoder decoder = context.getBean(JwtDecoder.class);
			JWTClaimsSet valid = claims().expirationTime(in(300)).build();
			// Signed by another key.
			String otherSigner = rs256(valid, otherKey);
			assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode(otherSigner));
			// alg none.
			String unsigned = new PlainJWT(valid).serialize();
			assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode(unsigned));
			// HS256 with the RSA public key as the HMAC secret.
			SignedJWT confused = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), valid);
			confused.sign(new MACSigner(issuerKey.getPublic().getEncoded()));
			String hs256 = confused.serialize();
			assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode(hs256));
			// Changed payload with the original signature.
			String original = rs256(valid, issuerKey);
			String[] parts = original.split("\\.");
			String payload = Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(claims().claim("tenant_id", "globex")
					.expirationTime(in(300))
					.build()
					.toString()
					.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			String tampered = parts[0] + "." + payload + "." + parts[2];
			assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode(tampered));
		});
	}

}
