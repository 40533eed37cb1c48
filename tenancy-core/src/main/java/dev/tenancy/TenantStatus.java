package dev.tenancy;

/**
 * Lifecycle state of a tenant.
 */
public enum TenantStatus {

	/** The tenant may be used. */
	ACTIVE,

	/** The tenant exists but its requests are refused with {@code tenant_suspended}. */
	SUSPENDED,

	/** The tenant is gone; it is treated like an unknown tenant. */
	DELETED;

	/**
	 * Whether a change from this state to {@code target} is allowed.
	 * @param target the requested state
	 * @return {@code true} if the transition is valid
	 */
	public boolean canBecome(TenantStatus target) {
		return switch (this) {
			case ACTIVE -> target == SUSPENDED || target == DELETED;
			case SUSPENDED -> target == ACTIVE || target == DELETED;
			case DELETED -> false;
		};
	}

}
