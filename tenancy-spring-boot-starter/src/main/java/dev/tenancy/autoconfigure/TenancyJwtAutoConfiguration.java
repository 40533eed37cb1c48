package dev.tenancy.autoconfigure;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.jwk.source.JWKSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerProperties;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.util.StringUtils;

import dev.tenancy.security.IdentityProviderKeys;
import dev.tenancy.security.JwkSetPolicy;
import dev.tenancy.security.ResilientJwtDecoder;

/**
 * JWT decoding that survives a slow, down or hostile identity provider.
 * <p>
 * When {@code spring.security.oauth2.resourceserver.jwt.jwk-set-uri} or
 * {@code issuer-uri} is set and the application declares no {@code JwtDecoder}, the
 * decoder is built here instead of by Spring Boot: keys are cached and fetched at most
 * once per {@code tenancy.security.jwt.jwks-refetch-interval} with short timeouts, known
 * keys survive an outage, and an identity provider that cannot be asked is a 503 rather
 * than a 500. It checks what Spring Boot's decoder checks (signature algorithms, issuer,
 * audiences, and every {@code OAuth2TokenValidator<Jwt>} bean, including the starter's).
 * <p>
 * The token-type validator applies to whichever decoder Spring Boot builds as well:
 * Spring Security 7's default accepts only {@code typ: JWT}, which would refuse RFC 9068
 * access tokens.
 */
@AutoConfiguration(before = OAuth2ResourceServerAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ JwtDecoder.class, JWKSource.class, BearerTokenAuthenticationToken.class })
@EnableConfigurationProperties({ TenancySecurityProperties.class, OAuth2ResourceServerProperties.class })
public final class TenancyJwtAutoConfiguration {

	private static final String JWT_PREFIX = "spring.security.oauth2.resourceserver.jwt.";

	/**
	 * Accepts the token types of {@code tenancy.security.jwt.accepted-types} (and tokens
	 * without {@code typ}). Spring Boot adds it to the decoder it builds, which then
	 * leaves out Spring Security's JWT-only type check.
	 * @param properties the security properties
	 * @return the validator
	 */
	@Bean
	@ConditionalOnMissingBean(name = "tenancyJwtTypeValidator")
	OAuth2TokenValidator<Jwt> tenancyJwtTypeValidator(TenancySecurityProperties properties) {
		JwtTypeValidator validator = new JwtTypeValidator(properties.jwt().acceptedTypes());
		validator.setAllowEmpty(true);
		return validator;
	}

	@Bean
	@ConditionalOnMissingBean(JwtDecoder.class)
	@Conditional(RemoteKeysCondition.class)
	JwtDecoder tenancyJwtDecoder(OAuth2ResourceServerProperties resourceServer, TenancySecurityProperties properties,
			ObjectProvider<OAuth2TokenValidator<Jwt>> additionalValidators) {
		OAuth2ResourceServerProperties.Jwt jwt = resourceServer.getJwt();
		TenancySecurityProperties.Jwt settings = properties.jwt();
		JwkSetPolicy policy = new JwkSetPolicy(settings.jwksCacheTtl(), settings.jwksRefetchInterval(),
				settings.jwksOutageTolerance(), settings.jwksConnectTimeout(), settings.jwksReadTimeout(),
				JwkSetPolicy.DEFAULT_MAX_BYTES);
		String issuer = jwt.getIssuerUri();
		IdentityProviderKeys keys = StringUtils.hasText(jwt.getJwkSetUri())
				? IdentityProviderKeys.fromJwkSetUri(URI.create(jwt.getJwkSetUri()), policy)
				: IdentityProviderKeys.fromIssuer(URI.create(issuer), policy);
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		if (StringUtils.hasText(issuer)) {
			validators.add(new JwtIssuerValidator(issuer));
		}
		List<String> audiences = jwt.getAudiences();
		if (audiences != null && !audiences.isEmpty()) {
			validators.add(new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
					(aud) -> aud != null && !Collections.disjoint(aud, audiences)));
		}
		validators.addAll(additionalValidators.orderedStream().toList());
		return new ResilientJwtDecoder(keys, algorithms(jwt.getJwsAlgorithms()), validators.isEmpty()
				? JwtValidators.createDefault() : JwtValidators.createDefaultWithValidators(validators));
	}

	private static Set<SignatureAlgorithm> algorithms(List<String> names) {
		Set<SignatureAlgorithm> algorithms = new LinkedHashSet<>();
		for (String name : names) {
			SignatureAlgorithm algorithm = SignatureAlgorithm.from(name);
			if (algorithm == null) {
				throw new InvalidConfigurationPropertyValueException(JWT_PREFIX + "jws-algorithms", name,
						"Unknown algorithm");
			}
			algorithms.add(algorithm);
		}
		return algorithms;
	}

	/**
	 * Keys come from the network: a JWK set URI or an issuer is configured (the cases
	 * where Spring Boot would build a decoder that fetches keys).
	 */
	static final class RemoteKeysCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Environment environment = context.getEnvironment();
			if (StringUtils.hasText(environment.getProperty(JWT_PREFIX + "jwk-set-uri"))) {
				return ConditionOutcome.match("jwk-set-uri is set");
			}
			if (StringUtils.hasText(environment.getProperty(JWT_PREFIX + "issuer-uri"))) {
				return ConditionOutcome.match("issuer-uri is set");
			}
			return ConditionOutcome.noMatch("neither jwk-set-uri nor issuer-uri is set");
		}

	}

}
