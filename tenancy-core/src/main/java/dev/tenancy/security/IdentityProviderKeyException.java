package dev.tenancy.security;

import java.time.Duration;

import com.nimbusds.jose.KeySourceException;

/**
 * The key of a token cannot be looked up because the identity provider cannot be asked. A
 * checked {@link KeySourceException}, so that Nimbus and Spring pass it on (as the cause
 * of a {@code JwtException}) instead of taking it for an invalid token.
 */
final class IdentityProviderKeyException extends KeySourceException {

	private static final long serialVersionUID = 1L;

	private final transient Duration retryAfter;

	IdentityProviderKeyException(Duration retryAfter) {
		super("The identity provider's JWK set cannot be fetched");
		this.retryAfter = retryAfter;
	}

	Duration retryAfter() {
		return this.retryAfter;
	}

}
