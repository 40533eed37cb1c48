package dev.tenancy.sample.trips;

/**
 * The current tenant already has a trip with the requested reference. References are
 * unique per tenant only, so this never says anything about another tenant's trips.
 */
public class TripReferenceTakenException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public TripReferenceTakenException() {
		super(null, null, false, false);
	}

}
