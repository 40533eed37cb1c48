package dev.tenancy.registry;

import java.util.Optional;

import dev.tenancy.TenantId;

/**
 * A tenant's secrets, such as the key that signs its inbound e-mail webhook: kept by the
 * registry encrypted at rest, written through the admin API and never returned by it.
 */
public interface TenantSecrets {

	/**
	 * Read a tenant's secret.
	 * @param tenant the tenant
	 * @param name the secret's name, such as {@code inbound-email-signing-key}
	 * @return the secret in plain text, or empty when the tenant has no secret of that
	 * name (or the name is not a valid secret name)
	 * @throws TenantRegistryUnavailableException when the registry cannot answer
	 * @throws TenantSecretsException when secrets are not configured or a stored secret
	 * cannot be decrypted (a wrong key)
	 */
	Optional<String> find(TenantId tenant, String name);

}
