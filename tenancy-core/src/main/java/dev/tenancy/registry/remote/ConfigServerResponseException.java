package dev.tenancy.registry.remote;

import dev.tenancy.registry.TenantRegistryUnavailableException;

/**
 * The config server answered, but not with something this client can trust: malformed or
 * oversized JSON, a tenant other than the one asked for, an unexpected status. Treated
 * like an outage (the cache serves its last known good answer) rather than as an unknown
 * tenant.
 */
public class ConfigServerResponseException extends TenantRegistryUnavailableException {

	public ConfigServerResponseException(String message) {
		super(message, null);
	}

	public ConfigServerResponseException(String message, Throwable cause) {
		super(message, cause);
	}

}
