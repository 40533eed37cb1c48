package dev.tenancy.registry.file;

import java.nio.file.Path;

import dev.tenancy.Tenant;

/**
 * One tenant YAML file, read and validated.
 */
public sealed interface TenantFile {

	/**
	 * @return the file
	 */
	Path path();

	/**
	 * A file that holds a valid tenant.
	 *
	 * @param path the file
	 * @param tenant the tenant it describes
	 */
	record Valid(Path path, Tenant tenant) implements TenantFile {

	}

	/**
	 * A file that was rejected.
	 *
	 * @param path the file
	 * @param reason why, naming the offending key where there is one
	 */
	record Invalid(Path path, String reason) implements TenantFile {

	}

}
