package dev.tenancy.client;

/**
 * An outbound request was about to carry a tenant header without any credential: a
 * downstream service would have to trust the header as it is, which is the flaw Tenancy
 * exists to remove.
 */
public class BareTenantHeaderException extends IllegalStateException {

	/**
	 * Create an exception.
	 * @param header the tenant header
	 */
	public BareTenantHeaderException(String header) {
		super("Refusing to send the " + header + " header without credentials: forward the caller's token (list "
				+ "the destination in tenancy.client.forward-to) or configure a client-credentials registration "
				+ "(tenancy.client.registration-id); a downstream must never have to trust a bare tenant header");
	}

}
