package dev.tenancy.sample.trips;

import java.util.List;

/**
 * One page of the current tenant's trips, the body of {@code GET /api/trips}.
 *
 * @param items the trips, by start date, then name, then id
 * @param next the cursor of the next page ({@code ?after=}), or {@code null} on the last
 * page
 */
public record TripPage(List<Trip> items, String next) {

	public TripPage {
		items = List.copyOf(items);
	}

}
