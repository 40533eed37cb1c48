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
 * @param signingKey Key (base64 of at least 32 random bytes, the same on every instance)
 * with which each message's tenant and body are signed (HMAC-SHA256, header
 * x-tenant-signature); listeners then reject messages without a valid signature. Unset:
 * messages are not signed, and whoever may publish to a listener's queue chooses the
 * tenant its message runs in (a warning says so with the first tenant message a listener
 * takes).
 * @param previousSigningKeys Earlier signing keys (base64), still accepted from messages,
 * so that the key can be rotated while messages are in flight.
 * @param acceptUnsigned Whether listeners still accept messages with no signature at all
 * while a signing key is set (a signature that is present must be valid): only while
 * senders are being upgraded to sign.
 */
@ConfigurationProperties("tenancy.messaging")
public record TenancyMessagingProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue("x-tenant-id") String header, List<String> globalExchanges, List<String> globalQueues,
		String signingKey, List<String> previousSigningKeys, @DefaultValue("false") boolean acceptUnsigned) {

	public TenancyMessagingProperties {
		globalExchanges = (globalExchanges != null) ? List.copyOf(globalExchanges) : List.of();
		globalQueues = (globalQueues != null) ? List.copyOf(globalQueues) : List.of();
		previousSigningKeys = (previousSigningKeys != null) ? List.copyOf(previousSigningKeys) : List.of();
	}

	@Override
	public String toString() {
		// never the keys
		return "TenancyMessagingProperties[enabled=" + this.enabled + ", header=" + this.header + ", globalExchanges="
				+ this.globalExchanges + ", globalQueues=" + this.globalQueues + ", signingKey="
				+ ((this.signingKey != null) ? "(set)" : "(unset)") + ", previousSigningKeys="
				+ this.previousSigningKeys.size() + ", acceptUnsigned=" + this.acceptUnsigned + "]";
	}

}
