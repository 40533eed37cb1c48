package dev.tenancy.sample.helpdesk;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import dev.tenancy.context.TenantContext;

/**
 * The asynchronous processing of a ticket message: a category from its words and up to
 * {@value HelpdeskController#SUGGESTIONS} suggested knowledge-base articles (full-text
 * search of the tenant's own articles), stored on the ticket.
 * <p>
 * It runs in the tenant context the starter's listener support set from the message's
 * verified tenant header (a message without a valid, active tenant never reaches it: it
 * is dead-lettered). Each message is processed once: the message row is locked and marked
 * processed in the same transaction, and a redelivery of a processed one does nothing.
 */
@Component
public class TicketProcessor {

	private static final Logger logger = LoggerFactory.getLogger(TicketProcessor.class);

	/** Keyword stems and their category, first match wins. */
	private static final Map<String, String> CATEGORIES = new java.util.LinkedHashMap<>();

	static {
		CATEGORIES.put("refund", "refund");
		CATEGORIES.put("cancel", "cancellation");
		CATEGORIES.put("baggage", "baggage");
		CATEGORIES.put("luggage", "baggage");
		CATEGORIES.put("insurance", "insurance");
		CATEGORIES.put("date", "change");
		CATEGORIES.put("reschedul", "change");
	}

	private final TicketRepository tickets;

	private final KnowledgeBase knowledgeBase;

	TicketProcessor(TicketRepository tickets, KnowledgeBase knowledgeBase) {
		this.tickets = tickets;
		this.knowledgeBase = knowledgeBase;
	}

	/**
	 * Process one queued message.
	 * @param payload {@code v1 <ticket id> <message id>}
	 */
	@RabbitListener(queues = "${sample.helpdesk.queue:sample.helpdesk.processing}")
	@Transactional
	public void process(String payload) {
		String[] parts = (payload != null) ? payload.split(" ", -1) : new String[0];
		if (parts.length != 3 || !"v1".equals(parts[0]) || !TicketIds.isWellFormed(parts[1])) {
			throw new AmqpRejectAndDontRequeueException("Malformed helpdesk processing message");
		}
		UUID message;
		try {
			message = UUID.fromString(parts[2]);
		}
		catch (IllegalArgumentException ex) {
			throw new AmqpRejectAndDontRequeueException("Malformed helpdesk processing message");
		}
		TenantContext.require();
		Optional<String> text = this.tickets.unprocessedText(message);
		if (text.isEmpty()) {
			logger.debug("Message {} is processed already or unknown to this tenant", message);
			return;
		}
		List<ArticleHit> suggestions = this.knowledgeBase.suggest(text.get(), HelpdeskController.SUGGESTIONS);
		this.tickets.recordProcessing(parts[1], message, classify(text.get()), suggestions);
		logger.debug("Processed message {} of ticket {}: {} suggestions", message, parts[1], suggestions.size());
	}

	static String classify(String text) {
		String lower = text.toLowerCase(Locale.ROOT);
		return CATEGORIES.entrySet()
			.stream()
			.filter((entry) -> lower.contains(entry.getKey()))
			.map(Map.Entry::getValue)
			.findFirst()
			.orElse("general");
	}

}
