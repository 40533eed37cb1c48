package dev.tenancy.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import org.springframework.context.ApplicationContext;
import org.springframework.core.ResolvableType;

/**
 * Tokens for tenants that have no demo client (tenants created by a test), signed exactly
 * as the local issuer signs its own: its RS256 key, its issuer, a {@code tenant_id}
 * claim, 15 minutes.
 */
final class LocalTokens {

	private LocalTokens() {
	}

	/**
	 * A token of the local issuer of a running app for a tenant.
	 * @param context the app
	 * @param tenant the tenant id for the {@code tenant_id} claim
	 * @return the serialized token
	 */
	static String forTenant(ApplicationContext context, String tenant) {
		return forTenant(context, tenant, tenant + "-client");
	}

	/**
	 * A token of the local issuer of a running app for a tenant and a subject (a user of
	 * the tenant: the per-user rate limit is keyed by the subject).
	 * @param context the app
	 * @param tenant the tenant id for the {@code tenant_id} claim
	 * @param subject the {@code sub} claim
	 * @return the serialized token
	 */
	static String forTenant(ApplicationContext context, String tenant, String subject) {
		return sign(context, subject, Map.of("tenant_id", tenant));
	}

	/**
	 * A token of the local issuer with the admin scope and no tenant, for any subject
	 * (such as one with control characters, which the audit must store safely).
	 * @param context the app
	 * @param subject the {@code sub} claim
	 * @return the serialized token
	 */
	static String admin(ApplicationContext context, String subject) {
		return sign(context, subject, Map.of("scope", List.of("tenancy.admin")));
	}

	@SuppressWarnings("unchecked")
	private static String sign(ApplicationContext context, String subject, Map<String, Object> extraClaims) {
		JWKSource<SecurityContext> source = (JWKSource<SecurityContext>) context
			.getBeanProvider(ResolvableType.forClassWithGenerics(JWKSource.class, SecurityContext.class))
			.getObject();
		String issuer = context.getEnvironment().getRequiredProperty("sample.local-issuer");
		try {
			List<JWK> keys = source.get(new JWKSelector(new JWKMatcher.Builder().keyType(KeyType.RSA).build()), null);
			RSAKey key = (RSAKey) keys.get(0);
			Instant now = Instant.now();
			JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
			extraClaims.forEach(builder::claim);
			JWTClaimsSet claims = builder.issuer(issuer)
				.subject(subject)
				.issueTime(Date.from(now))
				.notBeforeTime(Date.from(now))
				.expirationTime(Date.from(now.plus(Duration.ofMinutes(15))))
				.jwtID(UUID.randomUUID().toString())
				.build();
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
					claims);
			jwt.sign(new RSASSASigner(key));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
