package dev.tenancy.configserver.security;

import java.util.List;
import java.util.Set;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import dev.tenancy.configserver.ConfigServerProperties;
import dev.tenancy.security.ResilientJwtDecoder;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;

/**
 * Verifies service tokens: RS256 signatures with the issuer's keys (cached by
 * {@link dev.tenancy.security.IdentityProviderKeys}, or the local issuer's key in
 * process), {@code iss} equal to the configured issuer, {@code aud} naming this server,
 * {@code exp} required (and {@code nbf} honoured) within the clock skew, {@code typ}
 * {@code JWT}, {@code at+jwt} or absent. A token longer than
 * {@code tenancy.config-server.token.max-length} is refused before it is parsed. Any
 * failure is a 401 ({@code invalid_token}); an issuer whose keys cannot be fetched is a
 * 503 with {@code Retry-After}.
 */
final class ServiceTokenDecoder implements JwtDecoder, AutoCloseable {

	private final ResilientJwtDecoder delegate;

	private final int maxLength;

	ServiceTokenDecoder(JWKSource<SecurityContext> keys, String issuer, ConfigServerProperties.Token settings) {
		this.maxLength = settings.maxLength();
		JwtTimestampValidator timestamps = new JwtTimestampValidator(settings.clockSkew());
		timestamps.setAllowEmptyExpiryClaim(false);
		JwtTypeValidator type = new JwtTypeValidator("JWT", "at+jwt");
		type.setAllowEmpty(true);
		String audience = settings.audience();
		OAuth2TokenValidator<Jwt> validator = new DelegatingOAuth2TokenValidator<>(timestamps,
				new JwtIssuerValidator(issuer), type,
				new JwtClaimValidator<List<String>>(JwtClaimNames.AUD, (aud) -> aud != null && aud.contains(audience)));
		this.delegate = new ResilientJwtDecoder(keys, Set.of(SignatureAlgorithm.RS256), validator);
	}

	@Override
	public Jwt decode(String token) throws JwtException {
		if (token == null || token.length() > this.maxLength) {
			throw new BadJwtException("The token is longer than allowed");
		}
		return this.delegate.decode(token);
	}

	@Override
	public void close() throws Exception {
		this.delegate.close();
	}

	@Override
	public String toString() {
		return "ServiceTokenDecoder[" + this.delegate + "]";
	}

}
