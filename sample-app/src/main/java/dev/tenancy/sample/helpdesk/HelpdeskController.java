package dev.tenancy.sample.helpdesk;

import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.tenancy.TenancyError;
import dev.tenancy.TenancyException;
import dev.tenancy.TenancyException.Violation;
import dev.tenancy.sample.helpdesk.TicketRepository.TicketCursor;

/**
 * The current tenant's helpdesk: tickets and knowledge-base search. The tenant always
 * comes from the tenant context the starter set for the request.
 * <p>
 * An expensive route: every request under {@code /api/helpdesk/**} belongs to the
 * rate-limit route class {@code helpdesk} ({@code tenancy.rate-limit.routes.helpdesk}),
 * so it takes as many tokens as the tenant's plan says ({@code rateLimit.costs.helpdesk},
 * 5 in the shipped tenants).
 * <ul>
 * <li>{@code POST /api/helpdesk/tickets} opens a ticket: 201 with its {@code Location};
 * the ticket is classified and given suggested articles asynchronously.</li>
 * <li>{@code GET /api/helpdesk/tickets?size=&after=}: a page, newest first,
 * {@code {"items":[...],"next":"<cursor>"}}.</li>
 * <li>{@code GET /api/helpdesk/tickets/{id}}: the ticket, its messages and suggestions;
 * another tenant's ticket is the same 404 as a missing one.</li>
 * <li>{@code PUT /api/helpdesk/tickets/{id}/status} {@code {"status":"RESOLVED"}}.</li>
 * <li>{@code GET /api/helpdesk/search?q=}: full-text search of the tenant's
 * articles.</li>
 * </ul>
 */
@RestController
@RequestMapping("/api/helpdesk")
public class HelpdeskController {

	/** Tickets per page when the request does not say. */
	public static final int DEFAULT_PAGE_SIZE = 50;

	/** The most tickets a page may hold. */
	public static final int MAX_PAGE_SIZE = 200;

	/** How many suggestions the processing keeps per message. */
	static final int SUGGESTIONS = 3;

	private static final Pattern PAGE_SIZE_SYNTAX = Pattern.compile("[0-9]{1,3}");

	private final TicketRepository tickets;

	private final KnowledgeBase knowledgeBase;

	private final TicketProcessingQueue processing;

	public HelpdeskController(TicketRepository tickets, KnowledgeBase knowledgeBase, TicketProcessingQueue processing) {
		this.tickets = tickets;
		this.knowledgeBase = knowledgeBase;
		this.processing = processing;
	}

	/**
	 * Open a ticket for the current tenant.
	 * @param body the ticket
	 * @param request the request, for the {@code Location} header
	 * @return 201 with the ticket
	 */
	@PostMapping(path = "/tickets", consumes = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<Ticket> open(@Valid @RequestBody NewTicket body, HttpServletRequest request) {
		TicketRepository.Opened opened = this.tickets.open(body.subject(), body.message());
		// After the commit (the repository's transaction has ended): the work is durable
		// whether or not the broker takes the message now.
		this.processing.submit(opened.ticket().id(), opened.message());
		// Relative reference (RFC 9110 10.2.2): nothing taken from the Host header.
		URI location = URI.create(request.getContextPath() + "/api/helpdesk/tickets/" + opened.ticket().id());
		return ResponseEntity.created(location).body(opened.ticket());
	}

	/**
	 * A page of the current tenant's tickets, newest first.
	 * @param size tickets per page, 1 to {@value #MAX_PAGE_SIZE}
	 * @param after the {@code next} cursor of the previous page
	 * @return the page
	 */
	@GetMapping("/tickets")
	public TicketPage list(@RequestParam(name = "size", required = false) String size,
			@RequestParam(name = "after", required = false) String after) {
		int limit = pageSize(size);
		TicketCursor cursor = null;
		if (after != null) {
			cursor = TicketCursors.parse(after)
				.orElseThrow(() -> invalid("after", "must be a cursor from a previous page"));
		}
		List<Ticket> found = this.tickets.page(cursor, limit + 1);
		if (found.size() <= limit) {
			return new TicketPage(found, null);
		}
		List<Ticket> page = found.subList(0, limit);
		return new TicketPage(page, TicketCursors.encode(page.get(limit - 1)));
	}

	/**
	 * One of the current tenant's tickets.
	 * @param id the ticket id
	 * @return the ticket with its messages and suggestions
	 */
	@GetMapping("/tickets/{id}")
	public TicketDetail get(@PathVariable String id) {
		if (!TicketIds.isWellFormed(id)) {
			throw notFound();
		}
		return this.tickets.find(id).orElseThrow(HelpdeskController::notFound);
	}

	/**
	 * Change a ticket's status.
	 * @param id the ticket id
	 * @param body the new status
	 * @return the ticket
	 */
	@PutMapping(path = "/tickets/{id}/status", consumes = MediaType.APPLICATION_JSON_VALUE)
	public Ticket changeStatus(@PathVariable String id, @Valid @RequestBody StatusChange body) {
		TicketStatus status = TicketStatus.parse(body.status())
			.orElseThrow(() -> invalid("status", "must be one of OPEN, PENDING, RESOLVED, CLOSED"));
		if (!TicketIds.isWellFormed(id)) {
			throw notFound();
		}
		return this.tickets.changeStatus(id, status).orElseThrow(HelpdeskController::notFound);
	}

	/**
	 * Search the current tenant's knowledge base.
	 * @param q the query, web search syntax, 1 to 200 characters
	 * @return the best matches
	 */
	@GetMapping("/search")
	public SearchResult search(@RequestParam(name = "q", required = false) String q) {
		if (q == null || q.isBlank() || q.length() > KnowledgeBase.MAX_QUERY_LENGTH || q.indexOf('\0') >= 0) {
			throw invalid("q", "must be 1 to " + KnowledgeBase.MAX_QUERY_LENGTH + " characters");
		}
		return this.knowledgeBase.search(q.strip());
	}

	static TenancyException notFound() {
		return new TenancyException(TenancyError.NOT_FOUND, "No such ticket.");
	}

	private static TenancyException invalid(String parameter, String reason) {
		return new TenancyException(TenancyError.INVALID_REQUEST, "The request parameters are invalid.",
				List.of(new Violation(parameter, reason)));
	}

	private static int pageSize(String size) {
		if (size == null) {
			return DEFAULT_PAGE_SIZE;
		}
		if (!PAGE_SIZE_SYNTAX.matcher(size).matches() || Integer.parseInt(size) < 1
				|| Integer.parseInt(size) > MAX_PAGE_SIZE) {
			throw invalid("size", "must be a number from 1 to " + MAX_PAGE_SIZE);
		}
		return Integer.parseInt(size);
	}

}
