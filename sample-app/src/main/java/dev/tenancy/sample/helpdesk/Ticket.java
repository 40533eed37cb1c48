package dev.tenancy.sample.helpdesk;

import java.time.Instant;

/**
 * A helpdesk ticket.
 *
 * @param id the ticket id, such as {@code HD-7K3M9QXA}
 * @param subject what it is about
 * @param status its state ({@link TicketStatus}); new tickets are {@code OPEN}
 * @param source where it came from: {@code api} or {@code email}
 * @param category the category the asynchronous processing gave it, {@code null} until
 * then
 * @param createdAt when it was opened
 * @param updatedAt when it last changed (status, a new message, its processing)
 */
public record Ticket(String id, String subject, String status, String source, String category, Instant createdAt,
		Instant updatedAt) {

}
