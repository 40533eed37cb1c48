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

}
