package dev.tenancy.sample.helpdesk;

import java.time.Instant;

/**
 * A helpdesk ticket.
 *
 * @param id the ticket id, such as {@code HD-7K3M9QXA}
 * @param subject what it is about
 * @param status its state; new tickets are {@code OPEN}
 * @param createdAt when it was opened
 */
public record Ticket(String id, String subject, String status, Instant createdAt) {

}
