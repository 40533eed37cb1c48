package dev.tenancy.resolve;

import dev.tenancy.TenancyError;

/**
 * The request's tenant sources are malformed, disagree, or ask for a tenant the caller
 * was not granted.
 */
public class TenantResolutionException extends RuntimeException {

	private final TenancyError error;

	public TenantResolutionException(TenancyError error) {
		super(error.code(), null, false, false);
		this.error = error;
	}

	/**
	 * @return the error to answer with
	 */
	public TenancyError error() {
		return this.error;
	}

}
