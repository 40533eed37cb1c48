package dev.tenancy.registry;

/**
 * Secrets cannot be used: no key is configured, or a stored secret cannot be decrypted
 * with the configured keys. The message names the cause and the property to fix, never a
 * secret.
 */
public class TenantSecretsException extends RuntimeException {

	/**
	 * Create an exception.
	 * @param message what is wrong and how to fix it
	 * @param cause the cause, or {@code null}
	 */
	public TenantSecretsException(String message, Throwable cause) {
		super(message, cause);
	}

}
