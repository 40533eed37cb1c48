package dev.tenancy.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import com.nimbusds.jose.JOSEObjectType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import dev.tenancy.security.ResilientJwtDecoder;
import dev.tenancy.test.FakeIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Which decoder an application gets: the starter's for a remote JWK set, the
 * application's own when it declares one, Spring Boot's for a public key; RFC 9068 access
 * tokens pass each of the starter's and Boot's.
 */
class TenancyJwtAutoConfigurationTest {

	private static final String JWT = "spring.security.oauth2.resourceserver.jwt.";

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TenancySecurityAutoConfiguration.class,
				TenancyJwtAutoConfiguration.class, TenancyAdminAutoConfiguration.class, TenancyAutoConfiguration.class,
				TenancyRegistryAutoConfiguration.class, SecurityAutoConfiguration.class,
				ServletWebSecurityAutoConfiguration.class, OAuth2ResourceServerAutoConfiguration.class));

	@Test
	void aJwkSetUriOrIssuerGetsTheStartersDecoder() {
		try (FakeIdentityProvider idp = new FakeIdentityProvider()) {
			this.runner.withPropertyValues(JWT + "jwk-set-uri=" + idp.jwkSetUri()).run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(JwtDecoder.class)).isInstanceOf(ResilientJwtDecoder.class);
			});
			this.runner.withPropertyValues(JWT + "issuer-uri=" + idp.issuer()).run((context) -> {
				JwtDecoder decoder = context.getBean(JwtDecoder.class);
				assertThat(decoder).isInstanceOf(ResilientJwtDecoder.class);
				String atJwt = idp.token(idp.signingKey(), new JOSEObjectType("at+jwt"), (claims) -> {
				});
				assertThat(decoder.decode(atJwt).getSubject()).isEqualTo("test-user");
				// The issuer is checked, as by Spring Boot's decoder.
				String otherIssuer = idp.token((claims) -> claims.issuer("https://other.example"));
				assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(otherIssuer));
			});
			// Discovery ran once, for the first token.
			assertThat(idp.requests(FakeIdentityProvider.DISCOVERY_PATH)).isEqualTo(1);
		}
	}

	@Test
	void audiencesAndAlgorithmsAreChecked() {
		try (FakeIdentityProvider idp = new FakeIdentityProvider()) {
			this.runner
				.withPropertyValues(JWT + "issuer-uri=" + idp.issuer(), JWT + "audiences=travel-api",
						JWT + "jws-algorithms=RS512")
				.run((context) -> {
					JwtDecoder decoder = context.getBean(JwtDecoder.class);
					// RS256 is not among the accepted algorithms.
					String token = idp.token((claims) -> claims.audience("travel-api"));
					assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(token));
				});
			this.runner.withPropertyValues(JWT + "issuer-uri=" + idp.issuer(), JWT + "audiences=travel-api")
				.run((context) -> {
					JwtDecoder decoder = context.getBean(JwtDecoder.class);
					assertThat(decoder.decode(idp.token((claims) -> claims.audience("travel-api"))).getAudience())
						.containsExactly("travel-api");
					String otherAudience = idp.token((claims) -> claims.audience("billing-api"));
					assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(otherAudience));
					// The starter's validator is applied: exp is required.
					String noExpiry = idp.token((claims) -> claims.audience("travel-api").expirationTime(null));
					assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(noExpiry));
				});
			this.runner.withPropertyValues(JWT + "issuer-uri=" + idp.issuer(), JWT + "jws-algorithms=XS999")
				.run((context) -> assertThat(context).hasFailed());
		}
	}

	@Test
	void theApplicationsOwnDecoderWins() {
		this.runner.withPropertyValues(JWT + "issuer-uri=https://login.example.com")
			.withUserConfiguration(OwnDecoder.class)
			.run((context) -> assertThat(context.getBean(JwtDecoder.class)).isSameAs(OwnDecoder.DECODER));
	}

	@Test
	void springBootsPublicKeyDecoderAcceptsAccessTokens(@TempDir Path dir) throws Exception {
		try (FakeIdentityProvider idp = new FakeIdentityProvider()) {
			Path publicKey = dir.resolve("issuer.pub");
			Files.writeString(publicKey,
					"-----BEGIN PUBLIC KEY-----\n"
							+ Base64.getMimeEncoder().encodeToString(idp.signingKey().toRSAPublicKey().getEncoded())
							+ "\n-----END PUBLIC KEY-----\n");
			this.runner.withPropertyValues(JWT + "public-key-location=file:" + publicKey).run((context) -> {
				JwtDecoder decoder = context.getBean(JwtDecoder.class);
				assertThat(decoder).isInstanceOf(NimbusJwtDecoder.class);
				for (String type : new String[] { "at+jwt", "JWT" }) {
					assertThat(decoder.decode(idp.token(idp.signingKey(), new JOSEObjectType(type), (claims) -> {
					})).getSubject()).isEqualTo("test-user");
				}
				String other = idp.token(idp.signingKey(), new JOSEObjectType("secevent+jwt"), (claims) -> {
				});
				assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode(other));
			});
			this.runner
				.withPropertyValues(JWT + "public-key-location=file:" + publicKey,
						"tenancy.security.jwt.accepted-types=JWT")
				.run((context) -> {
					String atJwt = idp.token(idp.signingKey(), new JOSEObjectType("at+jwt"), (claims) -> {
					});
					assertThatExceptionOfType(JwtException.class)
						.isThrownBy(() -> context.getBean(JwtDecoder.class).decode(atJwt));
				});
		}
	}

	@Test
	void jwksSettingsAreValidated() {
		this.runner
			.withPropertyValues(JWT + "issuer-uri=https://login.example.com",
					"tenancy.security.jwt.jwks-refetch-interval=10m", "tenancy.security.jwt.jwks-cache-ttl=1m")
			.run((context) -> assertThat(context).hasFailed());
		this.runner.withPropertyValues("tenancy.security.resource-base-url=/relative")
			.run((context) -> assertThat(context).hasFailed());
		this.runner.withPropertyValues("tenancy.security.resource-base-url=https://api.example.com/v1")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnDecoder {

		static final JwtDecoder DECODER = (token) -> {
			throw new BadJwtException("own decoder");
		};

		@Bean
		JwtDecoder ownDecoder() {
			return DECODER;
		}

	}

}
