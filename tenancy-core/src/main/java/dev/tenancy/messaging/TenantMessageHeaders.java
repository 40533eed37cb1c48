package dev.tenancy.messaging;

/**
 * The message headers of tenant-carrying messages.
 */
public final class TenantMessageHeaders {

	/** The header holding the tenant id of a message. */
	public static final String TENANT = "x-tenant-id";

	private TenantMessageHeaders() {
	}

}
