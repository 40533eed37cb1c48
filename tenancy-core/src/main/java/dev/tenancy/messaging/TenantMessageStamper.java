package dev.tenancy.messaging;

import java.util.Collection;
import java.util.Set;

import org.springframework.amqp.core.Correlation;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessagePostProcessor;

import dev.tenancy.TenantId;
import dev.tenancy.context.TenantContext;

/**
 * A before-publish post-processor for {@code RabbitTemplate} that puts the tenant in
 * context on every message as the {@value TenantMessageHeaders#TENANT} header.
 * <p>
 * With no tenant in context the send fails with {@link NoTenantForMessageException},
 * unless the message goes to one of the global exchanges (messages that are not any
 * tenant's, such as platform events), which are sent as they are. A message that already
 * carries a tenant header must carry the context's tenant: a different one (a value
 * copied from untrusted input, say) fails the send rather than being trusted or silently
 * replaced.
 * <p>
 * With a {@link TenantMessageSignature}, the message also gets the
 * {@value TenantMessageHeaders#SIGNATURE} header: the tenant and body signed, so that a
 * listener can tell the library's messages from anyone else's.
 */
public final class TenantMessageStamper implements MessagePostProcessor {

	private final String header;

	private final Set<String> globalExchanges;

	private final TenantMessageSignature signature;

	/**
	 * Create a stamper that does not sign.
	 * @param header the header name, normally {@value TenantMessageHeaders#TENANT}
	 * @param globalExchanges exchanges whose messages may be sent without a tenant
	 */
	public TenantMessageStamper(String header, Collection<String> globalExchanges) {
		this(header, globalExchanges, null);
	}

	/**
	 * Create a stamper.
	 * @param header the header name, normally {@value TenantMessageHeaders#TENANT}
	 * @param globalExchanges exchanges whose messages may be sent without a tenant
	 * @param signature signs each tenant's message, or {@code null} not to sign
	 */
	public TenantMessageStamper(String header, Collection<String> globalExchanges, TenantMessageSignature signature) {
		this.header = header;
		this.globalExchanges = Set.copyOf(globalExchanges);
		this.signature = signature;
	}

	@Override
	public Message postProcessMessage(Message message) {
		return stamp(message, null);
	}

	@Override
	public Message postProcessMessage(Message message, Correlation correlation, String exchange, String routingKey) {
		return stamp(message, exchange);
	}

	private Message stamp(Message message, String exchange) {
		TenantId tenant = TenantContext.current().orElse(null);
		Object present = message.getMessageProperties().getHeader(this.header);
		if (tenant == null) {
			if (exchange != null && this.globalExchanges.contains(exchange)) {
				return message;
			}
			throw new NoTenantForMessageException("No tenant in context to send a message to exchange '"
					+ ((exchange != null) ? exchange : "") + "': send it inside a tenant scope (a request, "
					+ "TenantWork, a tenant-carrying listener), or list the exchange in "
					+ "tenancy.messaging.global-exchanges if its messages are no tenant's");
		}
		if (present != null && !tenant.value().equals(String.valueOf(present))) {
			throw new NoTenantForMessageException(
					"The message's " + this.header + " header disagrees with the tenant in context (" + tenant
							+ "): the header is set from the context, never from elsewhere");
		}
		message.getMessageProperties().setHeader(this.header, tenant.value());
		if (this.signature != null) {
			message.getMessageProperties()
				.setHeader(TenantMessageHeaders.SIGNATURE, this.signature.sign(tenant, message.getBody()));
		}
		return message;
	}

}
