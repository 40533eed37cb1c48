package dev.tenancy.sample.helpdesk;

import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The processing queue and its dead-letter queue, declared on the broker by Spring AMQP's
 * admin when the first connection opens (so the app starts without a broker, and the
 * queues appear when it comes).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HelpdeskProperties.class)
class HelpdeskMessagingConfiguration {

	@Bean
	Queue helpdeskProcessingQueue(HelpdeskProperties properties) {
		QueueBuilder queue = QueueBuilder.durable(properties.queue())
			.deadLetterExchange("")
			.deadLetterRoutingKey(properties.deadLetterQueue());
		if (properties.queueExpires() != null) {
			queue.expires((int) properties.queueExpires().toMillis());
		}
		return queue.build();
	}

	@Bean
	Queue helpdeskProcessingDeadLetterQueue(HelpdeskProperties properties) {
		QueueBuilder queue = QueueBuilder.durable(properties.deadLetterQueue());
		if (properties.queueExpires() != null) {
			queue.expires((int) properties.queueExpires().toMillis());
		}
		return queue.build();
	}

}
