package dev.tenancy.sample.trips;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where trips are kept: always the current tenant's
 * ({@link dev.tenancy.context.TenantContext}), and only ever inside a transaction, in
 * which the tenant is set on the connection. A trip is only ever visible to the tenant it
 * was saved for.
 */
public interface TripRepository {

	/**
	 * Save a new trip for the current tenant.
	 * @param trip the trip
	 * @return the saved trip
	 * @throws TripReferenceTakenException when the current tenant already has a trip with
	 * the same reference
	 * @throws IllegalStateException when no tenant is current
	 */
	Trip save(Trip trip);

	/**
	 * Find one of the current tenant's trips.
	 * @param id the trip id
	 * @return the trip, or empty when the current tenant has no such trip (whether or not
	 * another tenant has)
	 */
	Optional<Trip> findById(UUID id);

	/**
	 * A page of the current tenant's trips, by start date, then name, then id.
	 * @param after where the previous page ended, or {@code null} for the first page
	 * @param limit the most trips to return (positive)
	 * @return the trips after {@code after}, at most {@code limit}
	 */
	List<Trip> findPage(TripCursor after, int limit);

}
