package dev.tenancy;

import java.util.Objects;

/**
 * A tenant as the registry knows it.
 *
 * @param id the identifier
 * @param displayName a human-readable name
 * @param status the lifecycle state
 * @param config the tenant's configuration
 * @param version increases with every change, for optimistic locking and ETags
 */
public record Tenant(TenantId id, String displayName, TenantStatus status, TenantConfig config, long version) {

	public Tenant {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(status, "status");
		displayName = (displayName == null || displayName.isBlank()) ? id.value() : displayName;
		config = (config != null) ? config : TenantConfig.empty();
		if (version < 0) {
			throw new IllegalArgumentException("version must not be negative");
		}
	}

	/**
	 * Whether requests may act for this tenant.
	 * @return {@code true} if the tenant is active
	 */
	public boolean isActive() {
		return this.status == TenantStatus.ACTIVE;
	}

}
