package dev.tenancy.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where tenants come from and how they are cached.
 *
 * @param source the registry: {@code properties} ({@code tenancy.tenants.*}), {@code jdbc} (the
 * PostgreSQL registry) or {@code files} (a directory of tenant YAML files, read-only)
 * @param jdbc the PostgreSQL registry
 * @param files tenant YAML files: the whole registry with {@code source=files}, or beside the
 * database with {@code source=jdbc} (dual mode: a tenant with no row, or whose row says
 * {@code file}, is read from its file)
 * @param cache the in-memory cache in front of the {@code jdbc} and {@code files} registries
 */
@ConfigurationProperties("tenancy.registry")
public record TenancyRegistryProperties(@DefaultValue("properties") Source source, @DefaultValue Jdbc jdbc,
		@DefaultValue Files files, @DefaultValue Cache cache) {

	/**
	 * The kinds of registry.
	 */
	public enum Source {

		/** Tenants from {@code tenancy.tenants.*}. */
		PROPERTIES,

		/** The PostgreSQL registry. */
		JDBC,

		/** A directory of tenant YAML files. */
		FILES

	}

	/**
	 * The PostgreSQL registry.
	 *
	 * @param schema the schema holding the registry tables (and its own Flyway history table)
	 * @param migrate whether to apply the registry's migrations at start-up
	 * @param listen whether to listen for changes made by other instances ({@code LISTEN/NOTIFY})
	 */
	public record Jdbc(@DefaultValue("tenancy") String schema, @DefaultValue("true") boolean migrate,
			@DefaultValue("true") boolean listen) {

	}

	/**
	 * Tenant YAML files.
	 *
	 * @param directory the directory of {@code <tenant-id>.yaml} files
	 */
	public record Files(Path directory) {

	}

	/**
	 * The tenant cache.
	 *
	 * @param maximumSize most tenants kept in memory
	 * @param timeToLive longest time a cached answer is used without asking the registry again
	 * (changes normally arrive within a second through {@code NOTIFY})
	 * @param lastKnownGood how long a cached tenant is still served while the registry database is
	 * unreachable; lookups of tenants not cached then get 503
	 */
	public record Cache(@DefaultValue("10000") long maximumSize, @DefaultValue("10m") Duration timeToLive,
			@DefaultValue("15m") Duration lastKnownGood) {

	}

}
