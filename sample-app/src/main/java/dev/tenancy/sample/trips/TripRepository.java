package dev.tenancy.sample.trips;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.tenancy.TenantId;

/**
 * Where trips are kept, always per tenant: every method takes the tenant, and a trip is only ever
 * visible under the tenant it was saved for. The in-memory implementation is a stand-in until
 * trips move to PostgreSQL under row-level security.
 */
public interface TripRepository {

	/**
	 * Save a trip for a tenant.
	 * @param tenant the owning tenant
	 * @param trip the trip
	 * @return the saved trip
	 */
	Trip save(TenantId tenant, Trip trip);

	/**
	 * Find one of a tenant's trips.
	 * @param tenant the tenant
	 * @param id the trip id
	 * @return the trip, or empty when the tenant has no such trip (whether or not another tenant
	 * has)
	 */
	Optional<Trip> findById(TenantId tenant, UUID id);

	/**
	 * All of a tenant's trips, by start date, then name, then id.
	 * @param tenant the tenant
	 * @return the trips
	 */
	List<Trip> findAll(TenantId tenant);

}
