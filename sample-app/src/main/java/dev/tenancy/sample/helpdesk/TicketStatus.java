package dev.tenancy.sample.helpdesk;

import java.util.Locale;
import java.util.Optional;

/**
 * The states of a ticket. Any state may change to any other through the API; an e-mail
 * reply to a {@code PENDING} or {@code RESOLVED} ticket opens it again, a {@code CLOSED}
 * ticket stays closed (the reply is kept on it).
 */
public enum TicketStatus {

	OPEN, PENDING, RESOLVED, CLOSED;

	/**
	 * Parse a status name.
	 * @param name untrusted input
	 * @return the status, or empty when it names none
	 */
	public static Optional<TicketStatus> parse(String name) {
		if (name == null || name.length() > 10) {
			return Optional.empty();
		}
		for (TicketStatus status : values()) {
			if (status.name().equals(name.toUpperCase(Locale.ROOT))) {
				return Optional.of(status);
			}
		}
		return Optional.empty();
	}

}
