package dev.tenancy.registry.jdbc;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
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
