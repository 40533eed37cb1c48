package dev.tenancy.sample.helpdesk;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The helpdesk's asynchronous processing (RabbitMQ).
 *
 * @param queue The durable queue of ticket messages waiting to be classified and given
 * suggested articles; shared by every instance (competing consumers). Messages that
 * cannot be processed (malformed, no valid tenant) go to the queue of the same name with
 * ".dlq".
 * @param queueExpires How long the queues may stay unused before the broker deletes them;
 * unset (the default) they stay. For test runs, which each use queues of their own.
 * @param relayInterval How often messages stored but still unprocessed a minute later are
 * queued again (for every active tenant).
 */
@ConfigurationProperties("sample.helpdesk")
public record HelpdeskProperties(@DefaultValue("sample.helpdesk.processing") String queue, Duration queueExpires,
		@DefaultValue("1m") Duration relayInterval) {

	/**
	 * @return the dead-letter queue's name
	 */
	public String deadLetterQueue() {
		return this.queue + ".dlq";
	}

}
