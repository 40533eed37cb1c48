package dev.tenancy.sample.helpdesk;

import java.util.List;

/**
 * A ticket with its messages (oldest first) and the knowledge-base articles suggested for
 * it (best first; empty until the asynchronous processing ran).
 *
 * @param ticket the ticket
 * @param messages its messages
 * @param suggestions suggested articles
 */
public record TicketDetail(Ticket ticket, List<TicketMessage> messages, List<ArticleHit> suggestions) {

}
