package dev.tenancy.sample.trips;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Where a page of trips ends: the sort key ({@code startDate}, {@code name}, {@code id})
 * of its last trip, so the next page starts strictly after it (keyset paging: no offset
 * to scan past, and a trip added or removed meanwhile neither repeats nor skips a trip).
 * <p>
 * On the wire it is opaque: {@code v1|<startDate>|<id>|<name>} in unpadded base64url. It
 * is not signed: it only ever positions the caller inside their own tenant's list (the
 * query is bound to the tenant and row-level security), so a forged cursor can reveal
 * nothing a caller could not list anyway. It is validated strictly instead; anything that
 * is not a cursor this app could have issued is refused ({@link #parse} is empty).
 *
 * @param startDate the last trip's start date
 * @param name the last trip's name
 * @param id the last trip's id
 */
public record TripCursor(LocalDate startDate, String name, UUID id) {

	/** Longest cursor accepted: a 100-character name of 4-byte characters, encoded. */
	static final int MAX_LENGTH = 700;

	private static final String VERSION = "v1";

	private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");

	private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd")
		.withResolverStyle(ResolverStyle.STRICT);

	public TripCursor {
		Objects.requireNonNull(startDate, "startDate");
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(id, "id");
	}

	/**
	 * The cursor after a trip.
	 * @param trip the last trip of a page
	 * @return the cursor
	 */
	static TripCursor after(Trip trip) {
		return new TripCursor(trip.startDate(), trip.name(), trip.id());
	}

	/**
	 * @return the opaque form
	 */
	public String encode() {
		String plain = VERSION + '|' + DATE.format(this.startDate) + '|' + this.id + '|' + this.name;
		return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Parse an opaque cursor.
	 * @param candidate untrusted input
	 * @return the cursor, or empty when the input is not a well-formed cursor
	 */
	public static Optional<TripCursor> parse(String candidate) {
		if (candidate == null || candidate.isEmpty() || candidate.length() > MAX_LENGTH
				|| !BASE64URL.matcher(candidate).matches()) {
			return Optional.empty();
		}
		try {
			byte[] bytes = Base64.getUrlDecoder().decode(candidate);
			String plain = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
			String[] parts = plain.split("\\|", 4);
			if (parts.length != 4 || !VERSION.equals(parts[0]) || parts[2].length() != 36) {
				return Optional.empty();
			}
			LocalDate startDate = LocalDate.parse(parts[1], DATE);
			UUID id = UUID.fromString(parts[2]);
			String name = parts[3];
			// The name is only ever a bind parameter; it is bounded like the column it
			// compares with.
			if (!id.toString().equals(parts[2]) || name.isEmpty() || name.length() > NewTrip.MAX_TEXT) {
				return Optional.empty();
			}
			TripCursor cursor = new TripCursor(startDate, name, id);
			// Only the canonical encoding of a cursor is one (no trailing bits, no
			// variants).
			return cursor.encode().equals(candidate) ? Optional.of(cursor) : Optional.empty();
		}
		catch (IllegalArgumentException | DateTimeParseException | java.nio.charset.CharacterCodingException ex) {
			return Optional.empty();
		}
	}

}
