package dev.tenancy.sample.inbound;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import dev.tenancy.context.TenantContext;
import dev.tenancy.sample.helpdesk.TicketRepository;

/**
 * Stores a verified delivery for the current tenant, exactly once, in one transaction:
 * <ol>
 * <li>its signature goes into {@code travel.inbound_replay} (a signature seen before is a
 * replay: refused, nothing stored);</li>
 * <li>the message is inserted with
 * {@code ON CONFLICT (tenant_id, message_id) DO NOTHING}: a second delivery of the same
 * {@code Message-ID} (a provider's retry, a concurrent duplicate, which waits for the
 * first's commit on the unique index) inserts nothing and answers the first one's
 * ticket;</li>
 * <li>a new message joins the ticket of the message its {@code In-Reply-To} names (looked
 * up in this tenant's messages only), or opens a ticket.</li>
 * </ol>
 * The caller answers 2xx only once this returned, that is after the commit; any database
 * error propagates (5xx), so the provider retries and nothing is acknowledged that was
 * not stored.
 */
@Component
public class InboundMailbox {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final JdbcClient jdbc;

	private final TicketRepository tickets;

	InboundMailbox(JdbcClient jdbc, TicketRepository tickets) {
		this.jdbc = jdbc;
		this.tickets = tickets;
	}

	/**
	 * Store a delivery.
	 * @param email the message
	 * @param body the raw body (its digest stands in for a missing {@code Message-ID})
	 * @param signature the verified signature
	 * @param rememberUntil until when its replay must be refused
	 * @return what happened
	 * @throws InboundRefusedException on a replay
	 */
	@Transactional
	public Stored store(InboundEmail email, byte[] body, String signature, Instant rememberUntil) {
		String tenant = TenantContext.require().value();
		this.jdbc.sql("delete from travel.inbound_replay where tenant_id = :tenant and expires_at < now()")
			.param("tenant", tenant)
			.update();
		int fresh = this.jdbc
			.sql("""
					insert into travel.inbound_replay (tenant_id, signature, expires_at) values (:tenant, :signature, :until)
					on conflict do nothing""")
			.param("tenant", tenant)
			.param("signature", signature)
			.param("until", Timestamp.from(rememberUntil))
			.update();
		if (fresh == 0) {
			throw new InboundRefusedException("replayed signature");
		}
		String messageId = (email.messageId() != null) ? email.messageId()
				: "<sha256-" + sha256(body) + "@inbound.helpdesk.invalid>";
		Optional<String> parent = Optional.empty();
		if (email.inReplyTo() != null) {
			parent = ticketOf(email.inReplyTo());
		}
		UUID id = UUID.randomUUID();
		String ticket = parent.orElse(null);
		// The ticket is inserted after the message (the foreign key is deferred), so a
		// duplicate opens no ticket; a placeholder id until then.
		String provisional = (ticket != null) ? ticket : dev.tenancy.sample.helpdesk.TicketIds.next();
		int inserted = this.jdbc
			.sql("""
					insert into travel.helpdesk_message (tenant_id, id, ticket_id, message_id, in_reply_to, sender, recipients,
					  to_header, cc_header, subject, body_text, body_html, attachments)
					values (:tenant, :id, :ticket, :messageId, :inReplyTo, :sender, :recipients, :to, :cc, :subject, :text,
					  :html, cast(:attachments as jsonb))
					on conflict (tenant_id, message_id) do nothing""")
			.param("tenant", tenant)
			.param("id", id)
			.param("ticket", provisional)
			.param("messageId", messageId)
			.param("inReplyTo", email.inReplyTo())
			.param("sender", cut(email.from(), 998))
			.param("recipients", String.join(", ", email.envelopeRecipients()))
			.param("to", email.to())
			.param("cc", email.cc())
			.param("subject", cut(email.subject(), 998))
			.param("text", email.text())
			.param("html", email.html())
			.param("attachments", JSON.writeValueAsString(email.attachments()))
			.update();
		if (inserted == 0) {
			return new Stored(Outcome.DUPLICATE, ticketOf(messageId).orElseThrow(), null);
		}
		if (ticket != null) {
			this.jdbc.sql("""
					update travel.helpdesk_ticket set updated_at = now(),
					  status = case when status in ('PENDING', 'RESOLVED') then 'OPEN' else status end
					where tenant_id = :tenant and id = :id""").param("tenant", tenant).param("id", ticket).update();
			return new Stored(Outcome.APPENDED, ticket, id);
		}
		String opened = this.tickets.insertTicket(email.subject(), "email", email.from());
		if (!opened.equals(provisional)) {
			this.jdbc
				.sql("update travel.helpdesk_message set ticket_id = :ticket where tenant_id = :tenant and id = :id")
				.param("tenant", tenant)
				.param("ticket", opened)
				.param("id", id)
				.update();
		}
		return new Stored(Outcome.CREATED, opened, id);
	}

	private Optional<String> ticketOf(String messageId) {
		return this.jdbc
			.sql("select ticket_id from travel.helpdesk_message where tenant_id = :tenant and message_id = :messageId")
			.param("tenant", TenantContext.require().value())
			.param("messageId", messageId)
			.query(String.class)
			.optional();
	}

	private static String cut(String value, int max) {
		return (value == null || value.length() <= max) ? value : value.substring(0, max);
	}

	private static String sha256(byte[] body) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** What a delivery did. */
	public enum Outcome {

		/** A new ticket with this message. */
		CREATED,
		/** The message joined the ticket its {@code In-Reply-To} names. */
		APPENDED,
		/** The {@code Message-ID} was stored before: nothing new. */
		DUPLICATE

	}

	/**
	 * A stored delivery.
	 *
	 * @param outcome what happened
	 * @param ticket the ticket it belongs to
	 * @param message the new message's id, {@code null} for a duplicate
	 */
	public record Stored(Outcome outcome, String ticket, UUID message) {

	}

}
