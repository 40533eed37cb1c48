package dev.tenancy.messaging;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.config.BaseRabbitListenerContainerFactory;

import dev.tenancy.TenantId;
import dev.tenancy.context.InactiveTenantException;
import dev.tenancy.context.TenantContext;
import dev.tenancy.context.TenantWork;

/**
 * Advice for a listener container's chain that runs each delivery in the tenant its
 * {@value TenantMessageHeaders#TENANT} header names, after {@link TenantWork} confirmed
 * in the registry that the tenant exists and is active; the context is removed in
 * {@code finally}, so the next message never sees this one's tenant.
 * <p>
 * A message without the header, with a malformed one, or naming an unknown, deleted or
 * suspended tenant never reaches the listener: it is rejected with
 * {@link AmqpRejectAndDontRequeueException}, so the broker dead-letters it (to the
 * queue's {@code x-dead-letter-exchange}, with its headers) or drops it when the queue
 * has none. A registry that cannot answer is not the message's fault: its exception
 * propagates and the container requeues or rejects as it is configured to.
 * <p>
 * It belongs first in the chain ({@link #applyTo}), outside a retry advice: a rejected
 * tenant is never retried, and every retry of a valid message runs in its tenant. A batch
 * is delivered only when all its messages name the same active tenant. Messages consumed
 * from a global queue run with no tenant, whatever their header.
 * <p>
 * With a {@link TenantMessageSignature}, a message must also carry a valid
 * {@value TenantMessageHeaders#SIGNATURE} for its tenant and body (made by
 * {@link TenantMessageStamper} with the same keys); one without, or with a signature for
 * another tenant, another body or another key, is rejected in the same way. Without it,
 * whoever may publish to a listener's queue chooses the tenant its message runs in.
 */
public final class TenantListenerAdvice implements MethodInterceptor {

	private static final Logger logger = LoggerFactory.getLogger(TenantListenerAdvice.class);

	private final TenantWork work;

	private final String header;

	private final Set<String> globalQueues;

	private final TenantMessageSignature signature;

	private final boolean acceptUnsigned;

	/** Whether the first unsigned tenant message was warned about (once is enough). */
	private final AtomicBoolean warnedUnsigned = new AtomicBoolean();

	/**
	 * Create the advice for messages that are not signed.
	 * @param work checks tenants and runs work for them
	 * @param header the header name, normally {@value TenantMessageHeaders#TENANT}
	 * @param globalQueues queues whose messages are no tenant's
	 */
	public TenantListenerAdvice(TenantWork work, String header, Collection<String> globalQueues) {
		this(work, header, globalQueues, null, true);
	}

	/**
	 * Create the advice.
	 * @param work checks tenants and runs work for them
	 * @param header the header name, normally {@value TenantMessageHeaders#TENANT}
	 * @param globalQueues queues whose messages are no tenant's
	 * @param signature verifies each message's signature, or {@code null} to accept
	 * unsigned messages
	 * @param acceptUnsigned whether a message with no signature at all is still accepted
	 * (while senders are upgraded to sign); a signature that is present must be valid
	 */
	public TenantListenerAdvice(TenantWork work, String header, Collection<String> globalQueues,
			TenantMessageSignature signature, boolean acceptUnsigned) {
		this.work = Objects.requireNonNull(work, "work");
		this.header = Objects.requireNonNull(header, "header");
		this.globalQueues = Set.copyOf(globalQueues);
		this.signature = signature;
		this.acceptUnsigned = acceptUnsigned;
	}

	/**
	 * Put an advice first in a listener container factory's chain, keeping the advice
	 * already there (Spring Boot's retry interceptor, the application's own); a factory
	 * that has it already is left as it is.
	 * @param factory the factory
	 * @param advice the advice
	 */
	public static void applyTo(BaseRabbitListenerContainerFactory<?> factory, TenantListenerAdvice advice) {
		Advice[] chain = factory.getAdviceChain();
		List<Advice> existing = (chain != null) ? Arrays.asList(chain) : List.of();
		if (existing.stream().anyMatch(TenantListenerAdvice.class::isInstance)) {
			return;
		}
		Advice[] composed = new Advice[existing.size() + 1];
		composed[0] = advice;
		for (int i = 0; i < existing.size(); i++) {
			composed[i + 1] = existing.get(i);
		}
		factory.setAdviceChain(composed);
	}

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Object[] arguments = invocation.getArguments();
		Object data = (arguments.length > 1) ? arguments[1] : null;
		List<Message> messages = messages(data);
		if (messages.isEmpty()) {
			throw reject("a delivery without messages");
		}
		if (messages.stream().allMatch(this::fromGlobalQueue)) {
			return proceedAs(null, invocation);
		}
		TenantId tenant = tenantOf(messages.get(0));
		for (Message other : messages.subList(1, messages.size())) {
			if (!tenant.equals(tenantOf(other))) {
				throw reject("a batch of messages of several tenants");
			}
		}
		try {
			this.work.verify(tenant);
		}
		catch (InactiveTenantException ex) {
			throw reject(ex.getMessage());
		}
		return proceedAs(tenant, invocation);
	}

	/**
	 * Proceed in a tenant scope ({@code null}: none). The context only offers scoped
	 * changes, whose work may throw {@code Exception}: anything else a listener throws
	 * (an {@code Error}) is carried across and rethrown as it is.
	 */
	private static Object proceedAs(TenantId tenant, MethodInvocation invocation) throws Throwable {
		try {
			return TenantContext.call(tenant, () -> {
				try {
					return invocation.proceed();
				}
				catch (Exception | Error ex) {
					throw ex;
				}
				catch (Throwable ex) {
					throw new CarriedThrowable(ex);
				}
			});
		}
		catch (CarriedThrowable carried) {
			throw carried.getCause();
		}
	}

	private static final class CarriedThrowable extends Exception {

		CarriedThrowable(Throwable cause) {
			super(cause);
		}

	}

	private boolean fromGlobalQueue(Message message) {
		String queue = message.getMessageProperties().getConsumerQueue();
		return queue != null && this.globalQueues.contains(queue);
	}

	@SuppressWarnings("unchecked")
	private static List<Message> messages(Object data) {
		if (data instanceof Message message) {
			return List.of(message);
		}
		if (data instanceof List<?> list && list.stream().allMatch(Message.class::isInstance)) {
			return (List<Message>) list;
		}
		return List.of();
	}

	private TenantId tenantOf(Message message) {
		MessageProperties properties = message.getMessageProperties();
		Object value = properties.getHeader(this.header);
		if (value == null) {
			throw reject("a message without the " + this.header + " header");
		}
		// a LongString longer than the converter's limit arrives as a DataInputStream,
		// other types as themselves: only text is a tenant id
		if (!(value instanceof String text)) {
			throw reject("a message whose " + this.header + " header is not text");
		}
		TenantId tenant = TenantId.parse(text)
			.orElseThrow(() -> reject("a message whose " + this.header + " header is not a valid tenant id"));
		if (this.signature == null) {
			if (this.warnedUnsigned.compareAndSet(false, true)) {
				logger.warn("Tenant messages are not signed (tenancy.messaging.signing-key is not set): whoever may "
						+ "publish to a listener's queue chooses the tenant its message runs in");
			}
		}
		else {
			Object signed = properties.getHeader(TenantMessageHeaders.SIGNATURE);
			boolean unsignedAccepted = signed == null && this.acceptUnsigned;
			if (!unsignedAccepted && (!(signed instanceof String presented)
					|| !this.signature.verify(tenant, message.getBody(), presented))) {
				throw reject("a message without a valid " + TenantMessageHeaders.SIGNATURE + " header");
			}
		}
		return tenant;
	}

	private AmqpRejectAndDontRequeueException reject(String what) {
		// never the header's value: it is untrusted input
		logger.warn("Rejected {} (not requeued; dead-lettered if the queue has a dead-letter exchange)", what);
		return new AmqpRejectAndDontRequeueException("Rejected " + what);
	}

}
