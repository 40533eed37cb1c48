package dev.tenancy.registry;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;

/**
 * A fixed set of tenants, such as those declared in application properties.
 */
public final class InMemoryTenantRegistry implements TenantRegistry {

	private final Map<TenantId, Tenant> tenants;

	private final EmailDomainIndex domains;

	/**
	 * Create a registry.
	 * @param tenants the tenants, each id once
	 * @throws IllegalArgumentException when an id is declared twice
	 * @throws TenantRegistryException.EmailDomainTaken when two tenants claim one e-mail
	 * domain
	 */
	public InMemoryTenantRegistry(Collection<Tenant> tenants) {
		Map<TenantId, Tenant> byId = new TreeMap<>();
		for (Tenant tenant : tenants) {
			if (byId.putIfAbsent(tenant.id(), tenant) != null) {
				throw new IllegalArgumentException("Tenant '" + tenant.id() + "' is declared twice");
			}
		}
		this.tenants = Map.copyOf(byId);
		this.domains = EmailDomainIndex.of(byId.values());
	}

	@Override
	public Optional<Tenant> find(TenantId id) {
		return Optional.ofNullable(this.tenants.get(id));
	}

	@Override
	public List<Tenant> findAll() {
		return this.tenants.values().stream().sorted((a, b) -> a.id().compareTo(b.id())).toList();
	}

	@Override
	public Optional<Tenant> findByEmailDomain(String domain) {
		return this.domains.find(domain);
	}

}
