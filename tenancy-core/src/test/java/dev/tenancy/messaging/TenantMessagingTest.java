package dev.tenancy.messaging;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.config.RetryInterceptorBuilder;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerEndpoint;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.retry.RejectAndDontRequeueRecoverer;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.context.TenantContext;
import dev.tenancy.context.TenantWork;
import dev.tenancy.registry.InMemoryTenantRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The messaging probe on the real RabbitMQ ({@value #RABBIT_ENV}, by default the
 * machine's own broker at 127.0.0.1:5672 as guest): a message runs in the tenant it
 * carries, checked in the registry; a message without a valid, active tenant is
 * dead-lettered and never reaches the listener; consecutive messages of different tenants
 * never see each other's tenant; a send with no tenant fails. Each test declares its own
 * exchanges and queues and deletes them.
 */
class TenantMessagingTest {

	static final String RABBIT_ENV = "TENANCY_TEST_RABBITMQ_URL";

	static final TenantId ACME = TenantId.of("acme");

	static final TenantId GLOBEX = TenantId.of("globex");

	final TenantWork work = new TenantWork(new InMemoryTenantRegistry(
			List.of(tenant("acme", TenantStatus.ACTIVE), tenant("globex", TenantStatus.ACTIVE),
					tenant("initech", TenantStatus.SUSPENDED), tenant("gone", TenantStatus.DELETED))));

	final String name = "tenancy-test-" + UUID.randomUUID().toString().substring(0, 8);

	CachingConnectionFactory connectionFactory;

	RabbitAdmin admin;

	/** Sends as the library does: the tenant in context stamped on each message. */
	RabbitTemplate tenantSender;

	/** Sends whatever a test builds, as a foreign or hostile publisher could. */
	RabbitTemplate rawSender;

	SimpleMessageListenerContainer container;

	/** What the listener saw: the message body, then the tenant and MDC it ran with. */
	final List<String> processed = new CopyOnWriteArrayList<>();

	final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

	/** What the listener's advice verifies messages with; {@code null}: unsigned. */
	TenantMessageSignature signature;

	static Tenant tenant(String id, TenantStatus status) {
		return new Tenant(TenantId.of(id), null, status, null, 1);
	}

	@BeforeEach
	void declareQueuesAndListen() {
		URI broker = URI.create(System.getenv().getOrDefault(RABBIT_ENV, "amqp://guest:guest@127.0.0.1:5672"));
		this.connectionFactory = new CachingConnectionFactory(broker);
		this.admin = new RabbitAdmin(this.connectionFactory);
		DirectExchange deadLetters = new DirectExchange(this.name + ".dlx", false, true);
		// not auto-delete: each receive() below is a consumer that comes and goes;
		// deleted after
		Queue deadLetterQueue = new Queue(this.name + ".dlq", false, false, false);
		Queue queue = QueueBuilder.nonDurable(this.name)
			.deadLetterExchange(deadLetters.getName())
			.deadLetterRoutingKey(deadLetterQueue.getName())
			.build();
		try {
			this.admin.declareExchange(deadLetters);
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("These tests need a real RabbitMQ broker: start one on 127.0.0.1:5672 "
					+ "(guest/guest) or set " + RABBIT_ENV + " (for example amqp://guest:guest@127.0.0.1:5672)", ex);
		}
		this.admin.declareQueue(deadLetterQueue);
		this.admin.declareBinding(BindingBuilder.bind(deadLetterQueue).to(deadLetters).with(deadLetterQueue.getName()));
		this.admin.declareQueue(queue);
		this.tenantSender = new RabbitTemplate(this.connectionFactory);
		this.tenantSender.addBeforePublishPostProcessors(
				new TenantMessageStamper(TenantMessageHeaders.TENANT, List.of(this.name + ".platform")));
		this.rawSender = new RabbitTemplate(this.connectionFactory);
	}

	void listen(Consumer<Message> listener) {
		SimpleRabbitListenerContainerFactory factory = new SimpleRabbitListenerContainerFactory();
		factory.setConnectionFactory(this.connectionFactory);
		// as Boot configures listener retry: the tenant advice goes first, retry stays
		factory.setAdviceChain(RetryInterceptorBuilder.stateless()
			.maxRetries(2)
			.backOffOptions(10, 1.0, 10)
			.recoverer(new RejectAndDontRequeueRecoverer())
			.build());
		TenantListenerAdvice advice = new TenantListenerAdvice(this.work, TenantMessageHeaders.TENANT, List.of(),
				this.signature, false);
		TenantListenerAdvice.applyTo(factory, advice);
		TenantListenerAdvice.applyTo(factory, advice);
		assertThat(factory.getAdviceChain()).hasSize(2);
		assertThat(factory.getAdviceChain()[0]).isSameAs(advice);
		SimpleRabbitListenerEndpoint endpoint = new SimpleRabbitListenerEndpoint();
		endpoint.setId(this.name);
		endpoint.setQueueNames(this.name);
		endpoint.setMessageListener(listener::accept);
		this.container = factory.createListenerContainer(endpoint);
		this.container.start();
	}

	void recordTenant(Message message) {
		String body = new String(message.getBody());
		this.processed.add(body + " as " + TenantContext.current().map(TenantId::value).orElse("nobody") + "/"
				+ MDC.get(TenantContext.MDC_KEY));
	}

	@AfterEach
	void deleteQueues() {
		if (this.container != null) {
			this.container.stop();
		}
		this.admin.deleteQueue(this.name);
		this.admin.deleteQueue(this.name + ".dlq");
		this.admin.deleteExchange(this.name + ".dlx");
		this.connectionFactory.destroy();
	}

	void sendAs(TenantId tenant, String body) {
		TenantContext.run(tenant, () -> this.tenantSender.send("", this.name, text(body)));
	}

	void sendRaw(String body, Object tenantHeader) {
		MessageBuilder builder = MessageBuilder.withBody(body.getBytes());
		if (tenantHeader != null) {
			builder.setHeader(TenantMessageHeaders.TENANT, tenantHeader);
		}
		this.rawSender.send("", this.name, builder.build());
	}

	static Message text(String body) {
		return MessageBuilder.withBody(body.getBytes())
			.setContentType(MessageProperties.CONTENT_TYPE_TEXT_PLAIN)
			.build();
	}

	/** Waits for the dead-lettered messages, in order. */
	List<Message> deadLetters(int count) {
		List<Message> found = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Message message = this.rawSender.receive(this.name + ".dlq", Duration.ofSeconds(20).toMillis());
			assertThat(message).as("dead letter %d of %d", i + 1, count).isNotNull();
			found.add(message);
		}
		return found;
	}

	void awaitProcessed(int count) throws InterruptedException {
		for (int i = 0; i < 400 && this.processed.size() < count; i++) {
			Thread.sleep(50);
		}
		assertThat(this.processed).as("processed").hasSizeGreaterThanOrEqualTo(count);
	}

	@Test
	void consecutiveMessagesOfDifferentTenantsEachRunInTheirOwnTenant() throws Exception {
		listen(this::recordTenant);
		List<String> expected = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			TenantId tenant = (i % 3 == 0) ? GLOBEX : ACME;
			sendAs(tenant, tenant + "-" + i);
			expected.add(tenant + "-" + i + " as " + tenant + "/" + tenant);
		}
		awaitProcessed(expected.size());
		assertThat(this.processed).containsExactlyElementsOf(expected);
		assertThat(TenantContext.current()).isEmpty();
	}

	@Test
	void messagesWithoutAValidActiveTenantAreDeadLetteredNeverProcessed() throws Exception {
		listen(this::recordTenant);
		// each invalid one follows a valid one: it must not run as that tenant either
		List<Object[]> invalid = List.of(new Object[] { "missing", null }, new Object[] { "upper-case", "ACME" },
				new Object[] { "list", "acme,globex" }, new Object[] { "empty", "" },
				new Object[] { "path", "../acme" }, new Object[] { "padded", " acme" },
				new Object[] { "long", "a".repeat(300) }, new Object[] { "number", 42 },
				new Object[] { "bytes", "acme".getBytes() }, new Object[] { "suspended", "initech" },
				new Object[] { "deleted", "gone" }, new Object[] { "unknown", "nobody" });
		List<String> valid = new ArrayList<>();
		for (Object[] message : invalid) {
			sendAs(ACME, "before-" + message[0]);
			valid.add("before-" + message[0] + " as acme/acme");
			sendRaw((String) message[0], message[1]);
		}
		List<Message> deadLetters = deadLetters(invalid.size());
		assertThat(deadLetters).extracting((message) -> new String(message.getBody()))
			.containsExactlyElementsOf(invalid.stream().map((message) -> (String) message[0]).toList());
		// dead letters keep their headers, for whoever investigates them
		assertThat(deadLetters.get(9).getMessageProperties().<Object>getHeader(TenantMessageHeaders.TENANT))
			.isEqualTo("initech");
		awaitProcessed(valid.size());
		assertThat(this.processed).containsExactlyElementsOf(valid);
	}

	@Test
	void withSigningOnlyMessagesSignedForTheirTenantAndBodyRunAndTheRestAreDeadLettered() throws Exception {
		byte[] current = randomKey();
		byte[] previous = randomKey();
		this.signature = new TenantMessageSignature(current, List.of(previous));
		TenantMessageSignature beforeRotation = new TenantMessageSignature(previous, List.of());
		TenantMessageSignature someoneElses = new TenantMessageSignature(randomKey(), List.of());
		listen(this::recordTenant);
		RabbitTemplate signed = new RabbitTemplate(this.connectionFactory);
		signed.addBeforePublishPostProcessors(
				new TenantMessageStamper(TenantMessageHeaders.TENANT, List.of(), this.signature));
		RabbitTemplate signedBeforeRotation = new RabbitTemplate(this.connectionFactory);
		signedBeforeRotation.addBeforePublishPostProcessors(
				new TenantMessageStamper(TenantMessageHeaders.TENANT, List.of(), beforeRotation));
		TenantContext.run(ACME, () -> signed.send("", this.name, text("signed")));
		TenantContext.run(GLOBEX, () -> signedBeforeRotation.send("", this.name, text("signed with the previous key")));

		String acmesSignature = this.signature.sign(ACME, "moved".getBytes());
		List<Object[]> forged = List.of(new Object[] { "unsigned", null },
				new Object[] { "another key", someoneElses.sign(ACME, "another key".getBytes()) },
				// acme's genuine signature, under another tenant's header
				new Object[] { "moved", acmesSignature },
				// a genuine signature of another body
				new Object[] { "altered", this.signature.sign(ACME, "original".getBytes()) },
				new Object[] { "not base64", "v1=!!!" }, new Object[] { "no version", acmesSignature.substring(3) },
				new Object[] { "oversized", "v1=" + "A".repeat(100_000) }, new Object[] { "empty", "" },
				new Object[] { "number", 42 });
		for (Object[] message : forged) {
			MessageProperties properties = new MessageProperties();
			properties.setHeader(TenantMessageHeaders.TENANT, "moved".equals(message[0]) ? "globex" : "acme");
			if (message[1] != null) {
				properties.setHeader(TenantMessageHeaders.SIGNATURE, message[1]);
			}
			this.rawSender.send("", this.name, new Message(((String) message[0]).getBytes(), properties));
		}
		assertThat(deadLetters(forged.size())).extracting((message) -> new String(message.getBody()))
			.containsExactlyElementsOf(forged.stream().map((message) -> (String) message[0]).toList());
		awaitProcessed(2);
		assertThat(this.processed).containsExactly("signed as acme/acme",
				"signed with the previous key as globex/globex");
	}

	static byte[] randomKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return key;
	}

	@Test
	void aListenerRetriedByBootsRetryAdviceRunsEachAttemptInTheTenant() throws Exception {
		listen((message) -> {
			recordTenant(message);
			String body = new String(message.getBody());
			if (this.attempts.computeIfAbsent(body, (key) -> new AtomicInteger()).incrementAndGet() == 1) {
				throw new IllegalStateException("first attempt fails");
			}
		});
		sendAs(GLOBEX, "flaky");
		awaitProcessed(2);
		assertThat(this.processed).containsExactly("flaky as globex/globex", "flaky as globex/globex");
	}

	@Test
	void sendingWithoutATenantFailsAndPublishesNothing() throws Exception {
		listen(this::recordTenant);
		assertThatThrownBy(() -> this.tenantSender.send("", this.name, text("nobody's")))
			.isInstanceOf(NoTenantForMessageException.class)
			.hasMessageContaining("tenancy.messaging.global-exchanges");
		// a header copied from elsewhere is neither trusted nor silently replaced
		Message forged = MessageBuilder.withBody("forged".getBytes())
			.setHeader(TenantMessageHeaders.TENANT, "globex")
			.build();
		assertThatThrownBy(() -> TenantContext.run(ACME, () -> this.tenantSender.send("", this.name, forged)))
			.isInstanceOf(NoTenantForMessageException.class);
		sendAs(ACME, "after");
		awaitProcessed(1);
		assertThat(this.processed).containsExactly("after as acme/acme");
	}

	@Test
	void globalExchangesTakeMessagesWithoutATenant() {
		DirectExchange platform = new DirectExchange(this.name + ".platform", false, true);
		this.admin.declareExchange(platform);
		Queue events = new Queue(this.name + ".events", false, false, false);
		this.admin.declareQueue(events);
		this.admin.declareBinding(new Binding(events.getName(), Binding.DestinationType.QUEUE, platform.getName(),
				"events", Collections.emptyMap()));
		try {
			this.tenantSender.send(platform.getName(), "events", text("platform event"));
			Message received = this.rawSender.receive(events.getName(), 10_000);
			assertThat(received).isNotNull();
			assertThat(received.getMessageProperties().<Object>getHeader(TenantMessageHeaders.TENANT)).isNull();
		}
		finally {
			this.admin.deleteQueue(events.getName());
			this.admin.deleteExchange(platform.getName());
		}
	}

}
