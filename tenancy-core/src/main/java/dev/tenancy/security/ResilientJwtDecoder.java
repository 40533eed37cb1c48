package dev.tenancy.security;

import java.util.Set;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * A {@link JwtDecoder} over {@link IdentityProviderKeys} that keeps Spring Security from
 * turning an identity provider problem into a 500:
 * <ul>
 * <li>a key that cannot be looked up because the identity provider cannot be asked
 * becomes an {@link IdentityProviderUnavailableException} (503 with
 * {@code Retry-After});</li>
 * <li>any other failure to process the token (which Spring would report as a server
 * error, such as a key too weak to verify with) becomes a {@link BadJwtException}: the
 * token cannot be verified, 401.</li>
 * </ul>
 * The token type ({@code typ}) is not checked while processing the signature; the
 * validator decides, so {@code at+jwt} (RFC 9068) is accepted when the validator accepts
 * it.
 */
public final class ResilientJwtDecoder implements JwtDecoder, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ResilientJwtDecoder.class);

	private final NimbusJwtDecoder delegate;

	private final JWKSource<SecurityContext> keys;

	/**
	 * Create a decoder.
	 * @param keys the identity provider's keys
	 * @param algorithms the accepted signature algorithms (not empty)
	 * @param validator validates the decoded token (expiry, issuer, audience, type, ...)
	 */
	public ResilientJwtDecoder(JWKSource<SecurityContext> keys, Set<SignatureAlgorithm> algorithms,
			OAuth2TokenValidator<Jwt> validator) {
		if (algorithms.isEmpty()) {
			throw new IllegalArgumentException("at least one signature algorithm is needed");
		}
		this.keys = keys;
		this.delegate = NimbusJwtDecoder.withJwkSource(keys).jwsAlgorithms((all) -> all.addAll(algorithms)).build();
		this.delegate.setJwtValidator(validator);
	}

	@Override
	public Jwt decode(String token) throws JwtException {
		try {
			return this.delegate.decode(token);
		}
		catch (BadJwtException ex) {
			throw ex;
		}
		catch (JwtException ex) {
			IdentityProviderKeyException unavailable = find(ex);
			if (unavailable != null) {
				throw new IdentityProviderUnavailableException(unavailable.retryAfter(), unavailable);
			}
			logger.debug("Token could not be processed: {}", ex.getMessage());
			throw new BadJwtException("The token cannot be verified", ex);
		}
	}

	private static IdentityProviderKeyException find(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof IdentityProviderKeyException found) {
				return found;
			}
		}
		return null;
	}

	@Override
	public void close() throws Exception {
		if (this.keys instanceof AutoCloseable closeable) {
			closeable.close();
		}
	}

	@Override
	public String toString() {
		return "ResilientJwtDecoder[" + this.keys + "]";
	}

}
