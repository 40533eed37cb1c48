package dev.tenancy.sample.inbound;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.tenancy.TenancyError;
import dev.tenancy.TenancyException;
import dev.tenancy.TenancyException.Violation;
import dev.tenancy.Tenant;
import dev.tenancy.context.TenantContext;
import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.registry.TenantSecrets;
import dev.tenancy.registry.TenantSecretsException;
import dev.tenancy.sample.helpdesk.TicketProcessingQueue;

/**
 * {@code POST /inbound/email}: an e-mail provider's inbound webhook (SendGrid Inbound
 * Parse's fields, as multipart or JSON: {@link InboundEmailParser}), signed per tenant
 * ({@link WebhookSignature}). It is no user API: no bearer token, no tenant header; the
 * tenant is decided here, and only here, from the envelope recipients.
 * <ol>
 * <li>The body is read raw, at most {@code sample.inbound.max-body-size} (413
 * {@code payload_too_large} beyond), then parsed (400 {@code invalid_request} when
 * malformed, 415 for another media type).</li>
 * <li>Routing: every envelope recipient's domain must belong to one and the same tenant
 * ({@link TenantRegistry#findByEmailDomain}); the headers' {@code To}/{@code Cc} route
 * nothing. A delivery naming two tenants, or any domain no tenant owns, is refused as a
 * whole: it is never split, so it is never stored under a tenant whose key did not sign
 * it. (Providers deliver one request per route; configure one route per tenant
 * domain.)</li>
 * <li>The tenant must be active and have a signing key (tenant secret
 * {@code sample.inbound.signing-key-secret}); the timestamp must lie within
 * {@code sample.inbound.tolerance}; the signature must match; it must not have been
 * accepted before.</li>
 * <li>The message is stored exactly once for that tenant ({@link InboundMailbox}); 200
 * {@code {"outcome":"created|appended|duplicate","ticket":"HD-..."}} after the commit,
 * then its processing is queued.</li>
 * </ol>
 * Every refusal of step 2 or 3 gets the same answer (401 {@code unauthorized}, the same
 * bytes, after one HMAC computation), so nothing tells an unknown domain from a suspended
 * tenant or a wrong signature; the reason is logged.
 */
@RestController
@EnableConfigurationProperties(InboundEmailProperties.class)
public class InboundEmailController {

	private static final Logger logger = LoggerFactory.getLogger(InboundEmailController.class);

	private final TenantRegistry registry;

	private final ObjectProvider<TenantSecrets> secrets;

	private final InboundMailbox mailbox;

	private final TicketProcessingQueue processing;

	private final InboundEmailProperties properties;

	private final InboundEmailParser parser;

	InboundEmailController(TenantRegistry registry, ObjectProvider<TenantSecrets> secrets, InboundMailbox mailbox,
			TicketProcessingQueue processing, InboundEmailProperties properties) {
		this.registry = registry;
		this.secrets = secrets;
		this.mailbox = mailbox;
		this.processing = processing;
		this.properties = properties;
		this.parser = new InboundEmailParser(properties.maxRecipients());
	}

	/**
	 * Receive one delivery.
	 * @param request the request
	 * @return 200 with the outcome
	 * @throws IOException when the body cannot be read
	 */
	@PostMapping("/inbound/email")
	public ResponseEntity<Receipt> receive(HttpServletRequest request) throws IOException {
		byte[] body = readBounded(request);
		InboundEmail email = parse(request.getContentType(), body);
		Instant now = Instant.now();
		Optional<Tenant> tenant = route(email.envelopeRecipients());
		String key = tenant.filter(Tenant::isActive).flatMap(this::signingKey).orElse(null);
		WebhookSignature.Verified verified = WebhookSignature.verify(key,
				request.getHeader(WebhookSignature.TIMESTAMP_HEADER),
				request.getHeader(WebhookSignature.SIGNATURE_HEADER), body, now, this.properties.tolerance());
		Tenant owner = tenant.orElseThrow();
		return TenantContext.supply(owner.id(), () -> {
			InboundMailbox.Stored stored = this.mailbox.store(email, body, verified.signature(),
					verified.signedAt().plus(this.properties.tolerance()).plusSeconds(60));
			// Committed: the answer may now be 2xx, whatever the broker does.
			if (stored.message() != null) {
				this.processing.submit(stored.ticket(), stored.message());
			}
			logger.info("Inbound e-mail {} for ticket {}", stored.outcome().name().toLowerCase(Locale.ROOT),
					stored.ticket());
			return ResponseEntity.ok(new Receipt(stored.outcome().name().toLowerCase(Locale.ROOT), stored.ticket()));
		});
	}

	@ExceptionHandler(InboundRefusedException.class)
	ResponseEntity<ProblemDetail> refused(InboundRefusedException ex) {
		logger.warn("Inbound e-mail refused: {}", ex.reason());
		return new TenancyException(TenancyError.UNAUTHORIZED).toResponseEntity();
	}

	private Optional<Tenant> route(List<String> recipients) {
		Tenant found = null;
		Set<String> domains = new HashSet<>();
		for (String recipient : recipients) {
			int at = recipient.lastIndexOf('@');
			String domain = (at >= 0) ? recipient.substring(at + 1).replace(">", "").trim().toLowerCase(Locale.ROOT)
					: "";
			if (!domains.add(domain)) {
				continue;
			}
			Optional<Tenant> owner = this.registry.findByEmailDomain(domain);
			if (owner.isEmpty()) {
				logger.warn("Inbound e-mail for a domain no tenant owns: {}", printable(domain));
				return Optional.empty();
			}
			if (found != null && !found.id().equals(owner.get().id())) {
				logger.warn("Inbound e-mail for several tenants' domains ({} and {}): refused", found.id(),
						owner.get().id());
				return Optional.empty();
			}
			found = owner.get();
		}
		if (found != null && !found.isActive()) {
			logger.warn("Inbound e-mail for tenant {}, which is {}", found.id(), found.status());
		}
		return Optional.ofNullable(found);
	}

	private Optional<String> signingKey(Tenant tenant) {
		TenantSecrets store = this.secrets.getIfAvailable();
		if (store == null) {
			logger.error("No TenantSecrets: inbound e-mail cannot be verified and is refused");
			return Optional.empty();
		}
		try {
			Optional<String> key = store.find(tenant.id(), this.properties.signingKeySecret());
			if (key.isEmpty()) {
				logger.warn("Tenant {} has no secret {}: its inbound e-mail is refused", tenant.id(),
						this.properties.signingKeySecret());
			}
			return key;
		}
		catch (TenantSecretsException ex) {
			// The same answer as any refusal: a 5xx here would tell that the domain is a
			// tenant's.
			logger.error("The signing key of tenant {} cannot be read: {}", tenant.id(), ex.getMessage());
			return Optional.empty();
		}
	}

	private InboundEmail parse(String contentType, byte[] body) {
		String type = (contentType != null) ? contentType.toLowerCase(Locale.ROOT).trim() : "";
		try {
			if (type.startsWith("application/json")) {
				return this.parser.json(body);
			}
			if (type.startsWith("multipart/form-data")) {
				String boundary = MultipartForm.boundary(contentType)
					.orElseThrow(() -> new IllegalArgumentException("no boundary"));
				return this.parser.multipart(body, boundary);
			}
		}
		catch (IllegalArgumentException ex) {
			throw new TenancyException(TenancyError.INVALID_REQUEST, "The request body is not a valid delivery.",
					List.of(new Violation("body", "must be an inbound e-mail with envelope.to")));
		}
		throw new TenancyException(TenancyError.UNSUPPORTED_MEDIA_TYPE);
	}

	private byte[] readBounded(HttpServletRequest request) throws IOException {
		int max = (int) this.properties.maxBodySize().toBytes();
		if (request.getContentLengthLong() > max) {
			throw new TenancyException(TenancyError.PAYLOAD_TOO_LARGE);
		}
		try (InputStream in = request.getInputStream()) {
			byte[] body = in.readNBytes(max + 1);
			if (body.length > max) {
				throw new TenancyException(TenancyError.PAYLOAD_TOO_LARGE);
			}
			return body;
		}
	}

	private static String printable(String value) {
		String bounded = (value.length() > 100) ? value.substring(0, 100) + "..." : value;
		return bounded.replaceAll("[^\\x21-\\x7e]", "?");
	}

	/**
	 * The answer to an accepted delivery.
	 *
	 * @param outcome {@code created}, {@code appended} or {@code duplicate}
	 * @param ticket the ticket the message belongs to
	 */
	public record Receipt(String outcome, String ticket) {

	}

}
