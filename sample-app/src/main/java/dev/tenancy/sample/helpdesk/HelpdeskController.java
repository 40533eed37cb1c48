package dev.tenancy.sample.helpdesk;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.tenancy.TenantId;
import dev.tenancy.context.TenantContext;

/**
 * The current tenant's helpdesk: an expensive route. Every request under
 * {@code /api/helpdesk/**} belongs to the rate-limit route class {@code helpdesk}
 * ({@code tenancy.rate-limit.routes.helpdesk}), so it takes as many tokens as the
 * tenant's plan says ({@code rateLimit.costs.helpdesk}, 5 in the shipped tenants) instead
 * of 1.
 * <p>
 * A demo: tickets live in memory, the last {@value #KEPT_PER_TENANT} per tenant, and are
 * gone when the instance stops.
 */
@RestController
@RequestMapping("/api/helpdesk/tickets")
public class HelpdeskController {

	static final int KEPT_PER_TENANT = 100;

	/** Crockford's base 32, as trip references. */
	private static final char[] ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

	private static final SecureRandom RANDOM = new SecureRandom();

	private final Map<TenantId, Deque<Ticket>> tickets = new ConcurrentHashMap<>();

	/**
	 * Open a ticket for the current tenant.
	 * @param body the ticket
	 * @param request the request, for the {@code Location} header
	 * @return 201 with the ticket
	 */
	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<Ticket> open(@Valid @RequestBody NewTicket body, HttpServletRequest request) {
		Ticket ticket = new Ticket(newId(), body.subject(), "OPEN", Instant.now());
		Deque<Ticket> own = this.tickets.computeIfAbsent(TenantContext.require(), (tenant) -> new ArrayDeque<>());
		synchronized (own) {
			own.addFirst(ticket);
			while (own.size() > KEPT_PER_TENANT) {
				own.removeLast();
			}
		}
		URI location = URI.create(request.getContextPath() + "/api/helpdesk/tickets/" + ticket.id());
		return ResponseEntity.created(location).body(ticket);
	}

	/**
	 * The current tenant's tickets on this instance, newest first.
	 * @return the tickets
	 */
	@GetMapping
	public List<Ticket> list() {
		Deque<Ticket> own = this.tickets.get(TenantContext.require());
		if (own == null) {
			return List.of();
		}
		synchronized (own) {
			return List.copyOf(own);
		}
	}

	static String newId() {
		StringBuilder id = new StringBuilder("HD-");
		for (int i = 0; i < 8; i++) {
			id.append(ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)]);
		}
		return id.toString();
	}

}
