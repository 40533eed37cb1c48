package dev.tenancy.registry.jdbc;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
import dev.tenancy.registry.EmailDomains;
import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.registry.file.YamlTenantSource;

/**
 * The database and a directory of tenant YAML files side by side, for teams leaving the
 * files: a tenant with no row, or whose row says its configuration source is
 * {@code file}, is read from its file; every other tenant from the database.
 */
public final class DualTenantRegistry implements TenantRegistry {

	private final JdbcTenantRegistry database;

	private final YamlTenantSource files;

	public DualTenantRegistry(JdbcTenantRegistry database, YamlTenantSource files) {
		this.database = database;
		this.files = files;
	}

	@Override
	public Optional<Tenant> find(TenantId id) {
		Optional<String> source = this.database.configSource(id);
		if (source.isEmpty() || "file".equals(source.get())) {
			return this.files.find(id);
		}
		return this.database.find(id);
	}

	/**
	 * The owner of a domain among the database's tenants (through its index), else among
	 * the tenants read from files. Uniqueness holds within each side; a file tenant and a
	 * database tenant that claim one domain resolve to the database's.
	 */
	@Override
	public Optional<Tenant> findByEmailDomain(String domain) {
		Optional<Tenant> stored = this.database.findByEmailDomain(domain)
			.filter((tenant) -> !"file".equals(this.database.configSource(tenant.id()).orElse("db")));
		if (stored.isPresent()) {
			return stored;
		}
		// A file tenant whose row now says db is served from the database, which does not
		// list the domain (the lookup above would have found it).
		return this.files.findByEmailDomain(domain)
			.flatMap((tenant) -> find(tenant.id()))
			.filter((tenant) -> EmailDomains.normalize(domain)
				.filter(tenant.config().emailDomains()::contains)
				.isPresent());
	}

	@Override
	public List<Tenant> findAll() {
		Map<TenantId, Tenant> all = new TreeMap<>();
		this.files.findAll().forEach((tenant) -> all.put(tenant.id(), tenant));
		for (Tenant tenant : this.database.findAll()) {
			if (!"file".equals(this.database.configSource(tenant.id()).orElse("db"))) {
				all.put(tenant.id(), tenant);
			}
		}
		return List.copyOf(all.values());
	}

}
