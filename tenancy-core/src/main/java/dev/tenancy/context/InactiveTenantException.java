package dev.tenancy.context;

import dev.tenancy.TenantId;

/**
 * Work was asked to run for a tenant that may not be acted for: unknown, deleted or
 * suspended. The message names the tenant and the reason; it is meant for logs, never for
 * an answer to a caller (it would tell which tenants exist).
 */
public class InactiveTenantException extends IllegalStateException {

	private final TenantId tenant;

	private final Reason reason;

	/**
	 * Create an exception.
	 * @param tenant the tenant
	 * @param reason why it may not be acted for
	 */
	public InactiveTenantException(TenantId tenant, Reason reason) {
		super("Tenant '" + tenant + "' is " + reason.text + ": no work runs for it");
		this.tenant = tenant;
		this.reason = reason;
	}

	/**
	 * @return the tenant
	 */
	public TenantId tenant() {
		return this.tenant;
	}

	/**
	 * @return why the tenant may not be acted for
	 */
	public Reason reason() {
		return this.reason;
	}

	/** Why a tenant may not be acted for. */
	public enum Reason {

		/** The registry does not know the tenant, or it is deleted. */
		UNKNOWN("unknown"),

		/** The tenant exists but is suspended. */
		SUSPENDED("suspended");

		private final String text;

		Reason(String text) {
			this.text = text;
		}

	}

}
