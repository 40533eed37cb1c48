package dev.tenancy.security;

import java.time.Duration;

import org.springframework.security.core.AuthenticationException;

/**
 * A bearer token could not be verified because the identity provider's keys could not be
 * fetched: the caller should try again later (503), the token itself may be fine.
 * <p>
 * An {@link AuthenticationException} but not an
 * {@link org.springframework.security.authentication.AuthenticationServiceException}, so
 * Spring Security hands it to the authentication entry point (which answers 503) rather
 * than rethrowing it as a 500.
 */
public final class IdentityProviderUnavailableException extends AuthenticationException {

	private static final long serialVersionUID = 1L;

	private final transient Duration retryAfter;

	/**
	 * Create the exception.
	 * @param retryAfter when the identity provider will be asked again
	 * @param cause the cause
	 */
	public IdentityProviderUnavailableException(Duration retryAfter, Throwable cause) {
		super("The identity provider cannot be reached", cause);
		this.retryAfter = retryAfter;
	}

	/**
	 * When a retry can succeed at the earliest, for {@code Retry-After}.
	 * @return a positive duration
	 */
	public Duration retryAfter() {
		return this.retryAfter;
	}

}
