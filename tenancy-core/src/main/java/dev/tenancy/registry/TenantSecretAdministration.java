package dev.tenancy.registry;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import dev.tenancy.TenantId;

/**
 * The write side of tenant secrets, for the admin API: secrets go in and are removed, and
 * only their names and dates come out.
 */
public interface TenantSecretAdministration {

	/** A secret's name: a DNS label, such as {@code inbound-email-signing-key}. */
	Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

	/** Longest secret, in UTF-8 bytes. */
	int MAX_VALUE_BYTES = 4096;

	/** Most secrets one tenant may have. */
	int MAX_SECRETS_PER_TENANT = 32;

	/**
	 * Whether a candidate is a valid secret name.
	 * @param candidate untrusted input, may be {@code null}
	 * @return {@code true} if valid
	 */
	static boolean isValidName(String candidate) {
		return candidate != null && candidate.length() <= 63 && NAME.matcher(candidate).matches();
	}

	/**
	 * Set a secret, replacing one of the same name, and record "secret set" (never the
	 * value) in the tenant's audit trail.
	 * @param tenant the tenant
	 * @param name the secret's name
	 * @param value the secret, 1 to {@link #MAX_VALUE_BYTES} UTF-8 bytes
	 * @param change who sets it
	 * @throws TenantRegistryException.NotFound if the tenant does not exist (or is
	 * deleted)
	 * @throws InvalidTenantConfigException if the name or value is invalid, or the tenant
	 * already has {@link #MAX_SECRETS_PER_TENANT} other secrets
	 * @throws TenantSecretsException if secrets are not configured
	 */
	void put(TenantId tenant, String name, String value, TenantChange change);

	/**
	 * Remove a secret and record it in the audit trail.
	 * @param tenant the tenant
	 * @param name the secret's name
	 * @param change who removes it
	 * @return {@code false} when the tenant had no such secret
	 * @throws TenantRegistryException.NotFound if the tenant does not exist (or is
	 * deleted)
	 */
	boolean delete(TenantId tenant, String name, TenantChange change);

	/**
	 * A tenant's secrets, without their values.
	 * @param tenant the tenant
	 * @return the secrets, by name
	 * @throws TenantRegistryException.NotFound if the tenant does not exist (or is
	 * deleted)
	 */
	List<SecretInfo> list(TenantId tenant);

	/**
	 * What may be known about a secret: everything but its value.
	 *
	 * @param name the name
	 * @param keyId the id of the key it is encrypted with
	 * @param createdAt when it was first set
	 * @param updatedAt when it was last set
	 */
	record SecretInfo(String name, String keyId, Instant createdAt, Instant updatedAt) {

	}

}
