package dev.tenancy.sample.helpdesk;

import java.time.Instant;
import java.util.List;

/**
 * One message of a ticket. The HTML part of an e-mail is stored but never returned: this
 * API serves it to no browser, and a client that wants to show it must fetch and sanitise
 * it itself; {@code hasHtml} says that there is one.
 *
 * @param id the message's own id
 * @param messageId its RFC 5322 {@code Message-ID} (synthesized when it had none)
 * @param inReplyTo the {@code Message-ID} it answers, or {@code null}
 * @param from the sender as the message says (untrusted)
 * @param subject the subject
 * @param text the plain-text body
 * @param hasHtml whether an HTML body is stored
 * @param attachments the attachments' metadata (their content is never kept)
 * @param receivedAt when it was stored
 */
public record TicketMessage(String id, String messageId, String inReplyTo, String from, String subject, String text,
		boolean hasHtml, List<Attachment> attachments, Instant receivedAt) {

	/**
	 * An attachment's metadata.
	 *
	 * @param filename the file name the sender gave, or {@code null}
	 * @param contentType the content type the sender gave, or {@code null}
	 * @param size the size in bytes, {@code -1} when unknown
	 */
	public record Attachment(String filename, String contentType, long size) {

	}

}
