package dev.tenancy.sample.trips;

import java.net.URI;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The current tenant's trips. The tenant always comes from the tenant context that the
 * starter set for this request, never from the path or body.
 * <p>
 * {@code GET /api/trips/{id}} answers the same 404 body for an id that does not exist, an
 * id of another tenant's trip and an id that is not a UUID, so nothing about other
 * tenants' data (or the id format) can be learnt from it.
 * <p>
 * A trip's {@code reference} is unique per tenant: a reference the current tenant already
 * uses is a 409 {@code reference_taken}; the same reference in another tenant is no
 * conflict. Without a reference in the request one is generated ({@code TRIP-} and eight
 * random characters).
 * <p>
 * {@code GET /api/trips} answers one page at a time ({@code ?size=}, default
 * {@value #DEFAULT_PAGE_SIZE}, at most {@value #MAX_PAGE_SIZE}) as
 * {@code {"items":[...],"next":"<cursor>"}}; the next page is {@code ?after=<cursor>},
 * and {@code next} is {@code null} on the last page. A malformed or out-of-range
 * parameter is a 400 {@code invalid_request} naming the parameter, never echoing it.
 */
@RestController
@RequestMapping("/api/trips")
public class TripController {

	/**
	 * Crockford's base 32: no I, L, O or U, so generated references read back
	 * unambiguously.
	 */
	private static final char[] REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

	private static final int GENERATED_REFERENCE_ATTEMPTS = 3;

	/** Trips per page when the request does not say. */
	public static final int DEFAULT_PAGE_SIZE = 50;

	/** The most trips a page may hold. */
	public static final int MAX_PAGE_SIZE = 200;

	private static final Pattern PAGE_SIZE_SYNTAX = Pattern.compile("[0-9]{1,3}");

	private static final SecureRandom RANDOM = new SecureRandom();

	private final TripRepository trips;

	public TripController(TripRepository trips) {
		this.trips = trips;
	}

	/**
	 * A page of the current tenant's trips, by start date, then name, then id.
	 * @param size how many trips per page, 1 to {@value #MAX_PAGE_SIZE}; default
	 * {@value #DEFAULT_PAGE_SIZE}
	 * @param after the {@code next} cursor of the previous page; absent for the first
	 * page
	 * @return the page, with the cursor of the next one ({@code null} on the last page)
	 * @throws InvalidPageRequestException when a parameter is malformed or out of range
	 */
	@GetMapping
	public TripPage list(@RequestParam(name = "size", required = false) String size,
			@RequestParam(name = "after", required = false) String after) {
		int limit = pageSize(size);
		TripCursor cursor = null;
		if (after != null) {
			cursor = TripCursor.parse(after)
				.orElseThrow(() -> new InvalidPageRequestException("after", "must be a cursor from a previous page"));
		}
		// One more than asked: whether it exists says whether there is a next page.
		List<Trip> found = this.trips.findPage(cursor, limit + 1);
		if (found.size() <= limit) {
			return new TripPage(found, null);
		}
		List<Trip> page = found.subList(0, limit);
		return new TripPage(page, TripCursor.after(page.get(limit - 1)).encode());
	}

	private static int pageSize(String size) {
		if (size == null) {
			return DEFAULT_PAGE_SIZE;
		}
		// Digits only and at most 3 of them: no sign, no spaces, no exponent, no
		// overflow.
		if (!PAGE_SIZE_SYNTAX.matcher(size).matches()) {
			throw new InvalidPageRequestException("size", "must be a number from 1 to " + MAX_PAGE_SIZE);
		}
		int value = Integer.parseInt(size);
		if (value < 1 || value > MAX_PAGE_SIZE) {
			throw new InvalidPageRequestException("size", "must be a number from 1 to " + MAX_PAGE_SIZE);
		}
		return value;
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
	 * @throws TripReferenceTakenException when the current tenant already uses the
	 * reference
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
