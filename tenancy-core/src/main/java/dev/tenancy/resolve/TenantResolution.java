package dev.tenancy.resolve;

import java.util.Objects;
import java.util.Set;

import dev.tenancy.TenantId;

/**
 * What one resolver found in a request.
 */
public sealed interface TenantResolution {

	/**
	 * The source says nothing about the tenant.
	 * @return the answer
	 */
	static TenantResolution none() {
		return None.INSTANCE;
	}

	/**
	 * The source asks for a tenant (header, host, path): a selector the caller controls.
	 * @param tenant the requested tenant
	 * @return the answer
	 */
	static TenantResolution requested(TenantId tenant) {
		return new Requested(tenant);
	}

	/**
	 * A verified credential grants these tenants (possibly none).
	 * @param tenants the granted tenants
	 * @return the answer
	 */
	static TenantResolution granted(Set<TenantId> tenants) {
		return new Granted(tenants);
	}

	/**
	 * The source carries a tenant value that is malformed or ambiguous.
	 * @return the answer
	 */
	static TenantResolution invalid() {
		return Invalid.INSTANCE;
	}

	/** Nothing found. */
	enum None implements TenantResolution {

		INSTANCE

	}

	/** The request is malformed. */
	enum Invalid implements TenantResolution {

		INSTANCE

	}

	/**
	 * A requested tenant.
	 *
	 * @param tenant the tenant
	 */
	record Requested(TenantId tenant) implements TenantResolution {

		public Requested {
			Objects.requireNonNull(tenant, "tenant");
		}

	}

	/**
	 * Tenants granted by a verified credential.
	 *
	 * @param tenants the tenants, possibly empty
	 */
	record Granted(Set<TenantId> tenants) implements TenantResolution {

		public Granted {
			tenants = Set.copyOf(tenants);
		}

	}

}
