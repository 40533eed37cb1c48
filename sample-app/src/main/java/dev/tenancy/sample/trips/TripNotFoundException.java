package dev.tenancy.sample.trips;

/**
 * No trip with the requested id exists for the current tenant: missing, another tenant's
 * and malformed ids alike. It carries nothing, so the answer cannot differ between them.
 */
public class TripNotFoundException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public TripNotFoundException() {
		super(null, null, false, false);
	}

}
