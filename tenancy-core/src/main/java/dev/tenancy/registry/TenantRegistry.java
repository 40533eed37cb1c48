package dev.tenancy.registry;

import java.util.List;
import java.util.Optional;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;

/**
 * Where tenants come from.
 */
public interface TenantRegistry {

	/**
	 * Look a tenant up.
	 * @param id the tenant id
	 * @return the tenant, or empty when it is unknown
	 * @throws TenantRegistryUnavailableException when the registry cannot answer
	 */
	Optional<Tenant> find(TenantId id);

	/**
	 * All tenants, ordered by id.
	 * @return the tenants
	 * @throws TenantRegistryUnavailableException when the registry cannot answer
	 */
	List<Tenant> findAll();

	/**
	 * The tenant that owns an e-mail domain (listed in its configuration's
	 * {@code emailDomains}), whatever its status: the caller decides what a suspended
	 * tenant gets.
	 * <p>
	 * The domain is untrusted input (an envelope recipient's): case does not matter, a
	 * trailing dot is ignored and anything that is not a DNS name finds nothing. This
	 * default scans {@link #findAll()}; registries that can look a domain up directly
	 * override it.
	 * @param domain the domain, such as {@code acme-travel.example}; may be {@code null}
	 * @return the tenant, or empty when no tenant owns the domain
	 * @throws TenantRegistryUnavailableException when the registry cannot answer
	 */
	default Optional<Tenant> findByEmailDomain(String domain) {
		Optional<String> normalized = EmailDomains.normalize(domain);
		if (normalized.isEmpty()) {
			return Optional.empty();
		}
		String wanted = normalized.get();
		return findAll().stream()
			.filter((tenant) -> tenant.config()
				.emailDomains()
				.stream()
				.anyMatch((owned) -> owned.equalsIgnoreCase(wanted)))
			.findFirst();
	}

}
