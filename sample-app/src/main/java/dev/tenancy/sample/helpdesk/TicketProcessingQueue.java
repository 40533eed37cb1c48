package dev.tenancy.sample.helpdesk;

import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * Hands a stored message to the asynchronous processing: a RabbitMQ message
 * {@code v1 <ticket id> <message id>} on {@link HelpdeskProperties#queue()}, sent in the
 * current tenant's context (the starter's tenant-carrying RabbitTemplate stamps the
 * tenant on it; the listener runs in that tenant's verified context).
 * <p>
 * Called only after the message's transaction committed: the message is durable whether
 * or not the broker takes this. When it does not, the message stays unprocessed
 * ({@code processed_at} null) and is logged; it is never lost.
 */
@Component
public class TicketProcessingQueue {

	private static final Logger logger = LoggerFactory.getLogger(TicketProcessingQueue.class);

	private final RabbitTemplate rabbit;

	private final HelpdeskProperties properties;

	TicketProcessingQueue(RabbitTemplate rabbit, HelpdeskProperties properties) {
		this.rabbit = rabbit;
		this.properties = properties;
	}

	/**
	 * Queue a message's processing.
	 * @param ticket the ticket id
	 * @param message the message id
	 */
	public void submit(String ticket, UUID message) {
		try {
			this.rabbit.convertAndSend("", this.properties.queue(), "v1 " + ticket + " " + message);
		}
		catch (AmqpException ex) {
			logger.warn("Could not queue the processing of ticket {} (message {}): {}; it stays unprocessed", ticket,
					message, ex.toString());
		}
	}

}
