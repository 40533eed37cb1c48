package dev.tenancy.autoconfigure;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Tenant-carrying messages (Spring AMQP).
 *
 * @param enabled Whether RabbitTemplate stamps the tenant in context on every message,
 * and listener containers of Boot's and the application's RabbitListenerContainerFactory
 * beans run each message in its tenant after checking it in the registry.
 * @param header The message header that carries the tenant id.
 * @param globalExchanges Exchanges whose messages are no tenant's: they may be sent with
 * no tenant in context (with one, the header is still set).
 * @param globalQueues Queues whose messages are no tenant's: their listeners run with no
 * tenant, whatever the message's header says.
 */
@ConfigurationProperties("tenancy.messaging")
public record TenancyMessagingProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue("x-tenant-id") String header, List<String> globalExchanges, List<String> globalQueues) {

	public TenancyMessagingProperties {
		globalExchanges = (globalExchanges != null) ? List.copyOf(globalExchanges) : List.of();
		globalQueues = (globalQueues != null) ? List.copyOf(globalQueues) : List.of();
	}

}
