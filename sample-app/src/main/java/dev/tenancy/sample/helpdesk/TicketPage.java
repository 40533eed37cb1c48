package dev.tenancy.sample.helpdesk;

import java.util.List;

/**
 * A page of tickets, newest first.
 *
 * @param items the tickets
 * @param next the cursor of the next page ({@code ?after=}), {@code null} on the last
 */
public record TicketPage(List<Ticket> items, String next) {

}
