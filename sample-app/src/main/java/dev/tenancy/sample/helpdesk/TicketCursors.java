package dev.tenancy.sample.helpdesk;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.tenancy.sample.helpdesk.TicketRepository.TicketCursor;

/**
 * The opaque form of a ticket cursor: {@code v1|<epoch seconds>|<nanos>|<id>} in unpadded
 * base64url. Not signed: it only positions the caller inside their own tenant's list;
 * validated strictly, only a canonical encoding is a cursor.
 */
final class TicketCursors {

	private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]{1,100}");

	private TicketCursors() {
	}

	static String encode(Ticket last) {
		Instant at = last.createdAt();
		String plain = "v1|" + at.getEpochSecond() + "|" + at.getNano() + "|" + last.id();
		return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
	}

	static Optional<TicketCursor> parse(String candidate) {
		if (candidate == null || !BASE64URL.matcher(candidate).matches()) {
			return Optional.empty();
		}
		try {
			String plain = new String(Base64.getUrlDecoder().decode(candidate), StandardCharsets.US_ASCII);
			String[] parts = plain.split("\\|", -1);
			if (parts.length != 4 || !"v1".equals(parts[0]) || !TicketIds.isWellFormed(parts[3])
					|| !parts[1].matches("[0-9]{1,12}") || !parts[2].matches("[0-9]{1,9}")) {
				return Optional.empty();
			}
			TicketCursor cursor = new TicketCursor(
					Instant.ofEpochSecond(Long.parseLong(parts[1]), Long.parseLong(parts[2])), parts[3]);
			Ticket probe = new Ticket(cursor.id(), null, null, null, null, cursor.createdAt(), null);
			return encode(probe).equals(candidate) ? Optional.of(cursor) : Optional.empty();
		}
		catch (IllegalArgumentException | java.time.DateTimeException ex) {
			return Optional.empty();
		}
	}

}
