package dev.tenancy.sample.inbound;

import java.util.List;

import dev.tenancy.sample.helpdesk.TicketMessage.Attachment;

/**
 * An inbound e-mail as a provider's webhook delivered it, whatever its encoding. Only
 * {@code envelopeRecipients} routes it (RCPT TO, as the provider received it); the
 * headers' {@code To} and {@code Cc} are kept as text and never trusted for anything.
 *
 * @param envelopeRecipients the envelope recipients' addresses
 * @param from the {@code From} header (untrusted)
 * @param to the {@code To} header
 * @param cc the {@code Cc} header
 * @param subject the subject
 * @param text the plain-text body
 * @param html the HTML body (stored, never rendered)
 * @param messageId the {@code Message-ID}, or {@code null} when absent or malformed
 * @param inReplyTo the {@code In-Reply-To}, or {@code null}
 * @param attachments the attachments' metadata
 */
record InboundEmail(List<String> envelopeRecipients, String from, String to, String cc, String subject, String text,
		String html, String messageId, String inReplyTo, List<Attachment> attachments) {

}
