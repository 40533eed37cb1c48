package dev.tenancy.sample.trips;

import java.time.LocalDate;
import java.util.Objects;
import java.util.UUID;

/**
 * A trip of one tenant. The tenant is not part of the record: it is the tenant of the
 * transaction the trip is read or written in, taken from the request's tenant context,
 * never from the client.
 *
 * @param id the identifier
 * @param reference the tenant's own reference for the trip, unique within the tenant (two
 * tenants may use the same one)
 * @param name the trip's name
 * @param destination where it goes
 * @param startDate the first day
 * @param endDate the last day, not before {@code startDate}
 */
public record Trip(UUID id, String reference, String name, String destination, LocalDate startDate, LocalDate endDate) {

	public Trip {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(reference, "reference");
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(destination, "destination");
		Objects.requireNonNull(startDate, "startDate");
		Objects.requireNonNull(endDate, "endDate");
		if (endDate.isBefore(startDate)) {
			throw new IllegalArgumentException("endDate must not be before startDate");
		}
	}

}
