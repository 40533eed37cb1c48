package dev.tenancy.configserver.security;

import org.springframework.security.core.AuthenticationException;

/**
 * HTTP basic credentials refused unchecked, or a wrong one that passed a limit: too many
 * wrong credentials from the caller's address or for the client name. Answered 429
 * {@code rate_limited} with {@code Retry-After}.
 */
public final class ClientThrottledException extends AuthenticationException {

	private final long retryAfterSeconds;

	ClientThrottledException(long retryAfterSeconds) {
		super("Too many failed credential attempts");
		this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
	}

	/** Whole seconds until the caller may try again. */
	public long retryAfterSeconds() {
		return this.retryAfterSeconds;
	}

}
