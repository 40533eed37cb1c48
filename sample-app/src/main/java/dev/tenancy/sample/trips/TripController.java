package dev.tenancy.sample.trips;

import java.net.URI;
import java.security.SecureRandom;
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

/**
 * The current tenant's trips. The tenant always comes from the tenant context that the starter
 * set for this request, never from the path or body.
 * <p>
 * {@code GET /api/trips/{id}} answers the same 404 body for an id that does not exist, an id of
 * another tenant's trip and an id that is not a UUID, so nothing about other tenants' data (or the
 * id format) can be learnt from it.
 * <p>
 * A trip's {@code reference} is unique per tenant: a reference the current tenant already uses is
 * a 409 {@code reference_taken}; the same reference in another tenant is no conflict. Without a
 * reference in the request one is generated ({@code TRIP-} and eight random characters).
 */
@RestController
@RequestMapping("/api/trips")
public class TripController {

	/** Crockford's base 32: no I, L, O or U, so generated references read back unambiguously. */
	private static final char[] REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

	private static final int GENERATED_REFERENCE_ATTEMPTS = 3;

	private static final SecureRandom RANDOM = new SecureRandom();

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
		return this.trips.findAll();
	}

	/**
	 * One of the current tenant's trips.
	 * @param id the trip id
	 * @return the trip
	 * @throws TripNotFoundException when the current tenant has no trip with that id
	 */
	@GetMapping("/{id}")
	public Trip get(@PathVariable String id) {
		return parse(id).flatMap(this.trips::findById).orElseThrow(TripNotFoundException::new);
	}

	/**
	 * Create a trip for the current tenant.
	 * @param body the trip
	 * @param request the request, for the {@code Location} header
	 * @return 201 with the trip and its location
	 * @throws TripReferenceTakenException when the current tenant already uses the reference
	 */
	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<Trip> create(@Valid @RequestBody NewTrip body, HttpServletRequest request) {
		Trip trip = (body.reference() != null) ? this.trips.save(trip(body.reference(), body))
				: saveWithNewReference(body);
		// Relative reference (RFC 9110 10.2.2): nothing taken from the Host header.
		URI location = URI.create(request.getContextPath() + "/api/trips/" + trip.id());
		return ResponseEntity.created(location).body(trip);
	}

	private Trip saveWithNewReference(NewTrip body) {
		for (int attempt = 1;; attempt++) {
			try {
				return this.trips.save(trip(newReference(), body));
			}
			catch (TripReferenceTakenException ex) {
				// 40 random bits: a collision is rare, two in a row is a bug somewhere.
				if (attempt == GENERATED_REFERENCE_ATTEMPTS) {
					throw new IllegalStateException("Generated trip references keep colliding", ex);
				}
			}
		}
	}

	private static Trip trip(String reference, NewTrip body) {
		return new Trip(UUID.randomUUID(), reference, body.name(), body.destination(), body.startDate(),
				body.endDate());
	}

	static String newReference() {
		StringBuilder reference = new StringBuilder("TRIP-");
		for (int i = 0; i < 8; i++) {
			reference.append(REFERENCE_ALPHABET[RANDOM.nextInt(REFERENCE_ALPHABET.length)]);
		}
		return reference.toString();
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
