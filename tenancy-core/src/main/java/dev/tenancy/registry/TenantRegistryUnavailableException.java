package dev.tenancy.registry;

/**
 * The registry cannot answer right now (its database is down, say). Callers answer 503
 * and do not treat the tenant as unknown.
 */
public class TenantRegistryUnavailableException extends RuntimeException {

	public TenantRegistryUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
