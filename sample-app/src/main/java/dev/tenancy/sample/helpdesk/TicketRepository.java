package dev.tenancy.sample.helpdesk;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import dev.tenancy.context.TenantContext;

/**
 * Tickets, their messages and suggestions in PostgreSQL, isolated twice like trips: every
 * statement names the current tenant, and every method runs in a transaction with the
 * tenant on the connection, so row-level security hides and refuses other tenants' rows.
 */
@Repository
@Transactional
public class TicketRepository {

	private static final String TICKET_COLUMNS = "id, subject, status, source, category, created_at, updated_at";

	private static final int ID_ATTEMPTS = 3;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final JdbcClient jdbc;

	public TicketRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Open a ticket from the API, with its first message.
	 * @param subject the subject
	 * @param text the message, or {@code null}
	 * @return the ticket and the id of its message
	 */
	public Opened open(String subject, String text) {
		String tenant = TenantContext.require().value();
		String id = insertTicket(subject, "api", null);
		UUID message = UUID.randomUUID();
		this.jdbc.sql("""
				insert into travel.helpdesk_message (tenant_id, id, ticket_id, message_id, subject, body_text)
				values (:tenant, :id, :ticket, :messageId, :subject, :text)""")
			.param("tenant", tenant)
			.param("id", message)
			.param("ticket", id)
			.param("messageId", "<" + message + "@api.helpdesk.invalid>")
			.param("subject", subject)
			.param("text", text)
			.update();
		return new Opened(find(id).orElseThrow().ticket(), message);
	}

	/**
	 * Insert a ticket with a new random id (another on the rare collision).
	 * @param subject the subject, cut to 300 characters
	 * @param source {@code api} or {@code email}
	 * @param requester who asked, or {@code null}
	 * @return the ticket id
	 */
	public String insertTicket(String subject, String source, String requester) {
		for (int attempt = 1;; attempt++) {
			String id = TicketIds.next();
			int inserted = this.jdbc.sql("""
					insert into travel.helpdesk_ticket (tenant_id, id, subject, source, requester)
					values (:tenant, :id, :subject, :source, :requester) on conflict do nothing""")
				.param("tenant", TenantContext.require().value())
				.param("id", id)
				.param("subject", cut((subject == null || subject.isBlank()) ? "(no subject)" : subject, 300))
				.param("source", source)
				.param("requester", cut(requester, 320))
				.update();
			if (inserted == 1) {
				return id;
			}
			// 40 random bits per tenant: a collision is rare, three in a row a bug.
			if (attempt == ID_ATTEMPTS) {
				throw new IllegalStateException("Generated ticket ids keep colliding");
			}
		}
	}

	/**
	 * A page of the current tenant's tickets, newest first.
	 * @param after where the previous page ended, or {@code null}
	 * @param limit how many
	 * @return the tickets
	 */
	@Transactional(readOnly = true)
	public List<Ticket> page(TicketCursor after, int limit) {
		if (after == null) {
			return this.jdbc
				.sql("select " + TICKET_COLUMNS + " from travel.helpdesk_ticket where tenant_id = :tenant"
						+ " order by created_at desc, id desc limit :limit")
				.param("tenant", TenantContext.require().value())
				.param("limit", limit)
				.query(TicketRepository::ticket)
				.list();
		}
		return this.jdbc
			.sql("select " + TICKET_COLUMNS + " from travel.helpdesk_ticket where tenant_id = :tenant"
					+ " and (created_at, id) < (:createdAt, :id) order by created_at desc, id desc limit :limit")
			.param("tenant", TenantContext.require().value())
			.param("createdAt", java.sql.Timestamp.from(after.createdAt()))
			.param("id", after.id())
			.param("limit", limit)
			.query(TicketRepository::ticket)
			.list();
	}

	/**
	 * One of the current tenant's tickets with its messages and suggestions.
	 * @param id the ticket id
	 * @return the ticket, or empty
	 */
	@Transactional(readOnly = true)
	public Optional<TicketDetail> find(String id) {
		String tenant = TenantContext.require().value();
		Optional<Ticket> ticket = this.jdbc
			.sql("select " + TICKET_COLUMNS + " from travel.helpdesk_ticket where tenant_id = :tenant and id = :id")
			.param("tenant", tenant)
			.param("id", id)
			.query(TicketRepository::ticket)
			.optional();
		if (ticket.isEmpty()) {
			return Optional.empty();
		}
		List<TicketMessage> messages = this.jdbc
			.sql("""
					select id::text as id, message_id, in_reply_to, sender, subject, body_text, body_html is not null as has_html,
					attachments::text as attachments, received_at from travel.helpdesk_message
					where tenant_id = :tenant and ticket_id = :id order by received_at, id""")
			.param("tenant", tenant)
			.param("id", id)
			.query(TicketRepository::message)
			.list();
		List<ArticleHit> suggestions = this.jdbc.sql("""
				select a.id::text as id, a.title, left(a.body, 240) as excerpt, s.rank
				from travel.helpdesk_suggestion s join travel.helpdesk_article a
				  on a.tenant_id = s.tenant_id and a.id = s.article_id
				where s.tenant_id = :tenant and s.ticket_id = :id order by s.rank desc, a.id""")
			.param("tenant", tenant)
			.param("id", id)
			.query((rs, row) -> new ArticleHit(rs.getString("id"), rs.getString("title"), rs.getString("excerpt"),
					rs.getDouble("rank")))
			.list();
		return Optional.of(new TicketDetail(ticket.get(), messages, suggestions));
	}

	/**
	 * Change a ticket's status.
	 * @param id the ticket id
	 * @param status the new status
	 * @return the ticket, or empty when the tenant has none with that id
	 */
	public Optional<Ticket> changeStatus(String id, TicketStatus status) {
		int updated = this.jdbc
			.sql("update travel.helpdesk_ticket set status = :status, updated_at = now()"
					+ " where tenant_id = :tenant and id = :id")
			.param("tenant", TenantContext.require().value())
			.param("id", id)
			.param("status", status.name())
			.update();
		return (updated == 1) ? find(id).map(TicketDetail::ticket) : Optional.empty();
	}

	/**
	 * What the processing of a message needs: its ticket's subject and its text.
	 * @param message the message id
	 * @return the text to classify and search with, or empty when the message is unknown
	 * (to this tenant) or already processed
	 */
	public Optional<String> unprocessedText(UUID message) {
		return this.jdbc.sql("""
				select coalesce(subject, '') || ' ' || coalesce(body_text, '') from travel.helpdesk_message
				where tenant_id = :tenant and id = :id and processed_at is null for update""")
			.param("tenant", TenantContext.require().value())
			.param("id", message)
			.query(String.class)
			.optional();
	}

	/**
	 * Record a message's processing: its ticket's category and suggestions, the message
	 * marked processed.
	 * @param ticket the ticket id
	 * @param message the message id
	 * @param category the category
	 * @param suggestions the suggested articles
	 */
	public void recordProcessing(String ticket, UUID message, String category, List<ArticleHit> suggestions) {
		String tenant = TenantContext.require().value();
		this.jdbc
			.sql("update travel.helpdesk_ticket set category = :category, updated_at = now()"
					+ " where tenant_id = :tenant and id = :id")
			.param("tenant", tenant)
			.param("id", ticket)
			.param("category", category)
			.update();
		for (ArticleHit hit : suggestions) {
			this.jdbc.sql("""
					insert into travel.helpdesk_suggestion (tenant_id, ticket_id, article_id, rank)
					values (:tenant, :ticket, cast(:article as uuid), :rank)
					on conflict (tenant_id, ticket_id, article_id) do update set rank = greatest(excluded.rank,
					  travel.helpdesk_suggestion.rank)""")
				.param("tenant", tenant)
				.param("ticket", ticket)
				.param("article", hit.id())
				.param("rank", (float) hit.rank())
				.update();
		}
		this.jdbc.sql("update travel.helpdesk_message set processed_at = now() where tenant_id = :tenant and id = :id")
			.param("tenant", tenant)
			.param("id", message)
			.update();
	}

	/**
	 * The current tenant's messages that are still unprocessed some time after they were
	 * stored, oldest first.
	 * @param olderThan how long ago they were stored at least
	 * @param limit how many at most
	 * @return ticket id and message id of each
	 */
	@Transactional(readOnly = true)
	public List<Pending> unprocessed(java.time.Duration olderThan, int limit) {
		return this.jdbc
			.sql("""
					select ticket_id, id from travel.helpdesk_message
					where tenant_id = :tenant and processed_at is null and received_at < now() - make_interval(secs => :seconds)
					order by received_at limit :limit""")
			.param("tenant", TenantContext.require().value())
			.param("seconds", (double) olderThan.toSeconds())
			.param("limit", limit)
			.query((rs, row) -> new Pending(rs.getString("ticket_id"), rs.getObject("id", UUID.class)))
			.list();
	}

	static String cut(String value, int max) {
		if (value == null) {
			return null;
		}
		return (value.length() <= max) ? value : value.substring(0, max);
	}

	private static Ticket ticket(ResultSet rs, int row) throws SQLException {
		return new Ticket(rs.getString("id"), rs.getString("subject"), rs.getString("status"), rs.getString("source"),
				rs.getString("category"), KnowledgeBase.instant(rs, "created_at"),
				KnowledgeBase.instant(rs, "updated_at"));
	}

	private static TicketMessage message(ResultSet rs, int row) throws SQLException {
		List<TicketMessage.Attachment> attachments = new ArrayList<>();
		JsonNode stored = JSON.readTree(rs.getString("attachments"));
		for (JsonNode attachment : stored) {
			attachments.add(new TicketMessage.Attachment(attachment.path("filename").asString(null),
					attachment.path("contentType").asString(null), attachment.path("size").asLong(-1)));
		}
		return new TicketMessage(rs.getString("id"), rs.getString("message_id"), rs.getString("in_reply_to"),
				rs.getString("sender"), rs.getString("subject"), rs.getString("body_text"), rs.getBoolean("has_html"),
				attachments, KnowledgeBase.instant(rs, "received_at"));
	}

	/**
	 * A ticket just opened.
	 *
	 * @param ticket the ticket
	 * @param message the id of its first message
	 */
	public record Opened(Ticket ticket, UUID message) {

	}

	/**
	 * A message waiting for its processing.
	 *
	 * @param ticket the ticket id
	 * @param message the message id
	 */
	public record Pending(String ticket, UUID message) {

	}

	/**
	 * Where a page of tickets ends.
	 *
	 * @param createdAt the last ticket's creation time
	 * @param id the last ticket's id
	 */
	public record TicketCursor(Instant createdAt, String id) {

	}

}
