package dev.tenancy.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.tenancy.Tenant;
import dev.tenancy.TenantStatus;

/**
 * Which tenant owns each e-mail domain, for registries that hold all their tenants in
 * memory. Deleted tenants own no domain; two live tenants may never claim the same one.
 */
public final class EmailDomainIndex {

	private static final EmailDomainIndex EMPTY = new EmailDomainIndex(Map.of());

	private final Map<String, Tenant> owners;

	private EmailDomainIndex(Map<String, Tenant> owners) {
		this.owners = Map.copyOf(owners);
	}

	/**
	 * An index with no domains.
	 * @return the empty index
	 */
	public static EmailDomainIndex empty() {
		return EMPTY;
	}

	/**
	 * Index the domains of tenants that must not share any.
	 * @param tenants the tenants
	 * @return the index
	 * @throws TenantRegistryException.EmailDomainTaken naming the first domain (in
	 * alphabetical order) two tenants claim, and the first of them by id
	 */
	public static EmailDomainIndex of(Collection<Tenant> tenants) {
		List<Conflict> conflicts = conflicts(tenants);
		if (!conflicts.isEmpty()) {
			Conflict first = conflicts.get(0);
			throw new TenantRegistryException.EmailDomainTaken(first.domain(), first.owner().id().value());
		}
		Map<String, Tenant> owners = new TreeMap<>();
		live(tenants, (domain, tenant) -> owners.put(domain, tenant));
		return new EmailDomainIndex(owners);
	}

	/**
	 * Every domain claimed by more than one live tenant.
	 * @param tenants the tenants
	 * @return one entry per tenant that claims a domain another tenant (the owner, the
	 * first claimant by id) claims too, ordered by domain
	 */
	public static List<Conflict> conflicts(Collection<Tenant> tenants) {
		Map<String, Tenant> owners = new TreeMap<>();
		List<Conflict> conflicts = new ArrayList<>();
		List<Tenant> byId = tenants.stream().sorted((a, b) -> a.id().compareTo(b.id())).toList();
		live(byId, (domain, tenant) -> {
			Tenant owner = owners.putIfAbsent(domain, tenant);
			if (owner != null && !owner.id().equals(tenant.id())) {
				conflicts.add(new Conflict(domain, owner, tenant));
			}
		});
		conflicts.sort((a, b) -> a.domain().compareTo(b.domain()));
		return conflicts;
	}

	private static void live(Collection<Tenant> tenants, java.util.function.BiConsumer<String, Tenant> action) {
		for (Tenant tenant : tenants) {
			if (tenant.status() == TenantStatus.DELETED) {
				continue;
			}
			tenant.config()
				.emailDomains()
				.stream()
				.map((domain) -> domain.toLowerCase(Locale.ROOT))
				.distinct()
				.forEach((domain) -> action.accept(domain, tenant));
		}
	}

	/**
	 * The tenant that owns a domain.
	 * @param domain untrusted input, normalised as {@link EmailDomains#normalize} does
	 * @return the owner, or empty
	 */
	public Optional<Tenant> find(String domain) {
		return EmailDomains.normalize(domain).map(this.owners::get);
	}

	/**
	 * A domain claimed by two tenants.
	 *
	 * @param domain the domain
	 * @param owner the tenant that keeps it (the first by id)
	 * @param claimant the other tenant
	 */
	public record Conflict(String domain, Tenant owner, Tenant claimant) {

	}

}
