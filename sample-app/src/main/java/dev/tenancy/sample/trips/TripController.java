package dev.tenancy.sample.trips;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.tenancy.context.TenantContext;

/**
 * The current tenant's trips. The tenant always comes from the tenant context that the starter
 * set for this request, never from the path or body.
 * <p>
 * {@code GET /api/trips/{id}} answers the same 404 body for an id that does not exist, an id of
 * another tenant's trip and an id that is not a UUID, so nothing about other tenants' data (or the
 * id format) can be learnt from it.
 */
@RestController
@RequestMapping("/api/trips")
public class TripController {

	private final TripRepository trips;

	public TripController(TripRepository trips) {
		this.trips = trips;
	}

	/**
	 * The current tenant's trips.
	 * @return the trips
	 */
	@GetMapping
	public List<Trip> list() {
		return this.trips.findAll(TenantContext.require());
	}

	/**
	 * One of the current tenant's trips.
	 * @param id the trip id
	 * @return the trip
	 * @throws TripNotFoundException when the current tenant has no trip with that id
	 */
	@GetMapping("/{id}")
	public Trip get(@PathVariable String id) {
		return parse(id).flatMap((uuid) -> this.trips.findById(TenantContext.require(), uuid))
			.orElseThrow(TripNotFoundException::new);
	}

	/**
	 * Create a trip for the current tenant.
	 * @param body the trip
	 * @param request the request, for the {@code Location} header
	 * @return 201 with the trip and its location
	 */
	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<Trip> create(@Valid @RequestBody NewTrip body, HttpServletRequest request) {
		Trip trip = new Trip(UUID.randomUUID(), body.name(), body.destination(), body.startDate(), body.endDate());
		this.trips.save(TenantContext.require(), trip);
		// Relative reference (RFC 9110 10.2.2): nothing taken from the Host header.
		URI location = URI.create(request.getContextPath() + "/api/trips/" + trip.id());
		return ResponseEntity.created(location).body(trip);
	}

	private static Optional<UUID> parse(String id) {
		if (id.length() != 36) {
			return Optional.empty();
		}
		try {
			UUID uuid = UUID.fromString(id);
			// UUID.fromString is lenient; only the canonical form names a trip.
			return uuid.toString().equalsIgnoreCase(id) ? Optional.of(uuid) : Optional.empty();
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

}
