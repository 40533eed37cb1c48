package dev.tenancy.messaging;

/**
 * The message headers of tenant-carrying messages.
 */
public final class TenantMessageHeaders {

	/** The header holding the tenant id of a message. */
	public static final String TENANT = "x-tenant-id";

	/**
	 * The header holding the signature of a message's tenant and body
	 * ({@link TenantMessageSignature}), when messages are signed.
	 */
	public static final String SIGNATURE = "x-tenant-signature";

	private TenantMessageHeaders() {
	}

}
