package dev.tenancy.sample.trips;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Repository;

import dev.tenancy.TenantId;

/**
 * Trips in memory, one map per tenant. Lost on restart.
 */
@Repository
public class InMemoryTripRepository implements TripRepository {

	private static final Comparator<Trip> ORDER = Comparator.comparing(Trip::startDate)
		.thenComparing(Trip::name)
		.thenComparing(Trip::id);

	private final Map<TenantId, Map<UUID, Trip>> trips = new ConcurrentHashMap<>();

	@Override
	public Trip save(TenantId tenant, Trip trip) {
		this.trips.computeIfAbsent(tenant, (key) -> new ConcurrentHashMap<>()).put(trip.id(), trip);
		return trip;
	}

	@Override
	public Optional<Trip> findById(TenantId tenant, UUID id) {
		return Optional.ofNullable(this.trips.getOrDefault(tenant, Map.of()).get(id));
	}

	@Override
	public List<Trip> findAll(TenantId tenant) {
		return this.trips.getOrDefault(tenant, Map.of()).values().stream().sorted(ORDER).toList();
	}

}
