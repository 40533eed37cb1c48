package dev.tenancy.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.context.TenantContext;
import dev.tenancy.messaging.TenantMessageHeaders;
import dev.tenancy.registry.InMemoryTenantRegistry;
import dev.tenancy.registry.TenantRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broker restart loses no acknowledged message: tenant messages the broker confirmed
 * before it stopped (durable queue, persistent messages) are all processed after it is
 * back, each in its sender's tenant, beside those sent after the restart; a suspended
 * tenant's message is still dead-lettered, not processed. The broker is a node of this
 * test's own (port 19465), so the shared one keeps running.
 */
class TenantMessagingBrokerRestartTest {

	static final String QUEUE = "tenancy-restart-work";

	static final int BEFORE = 25;

	static final int AFTER = 10;

	@Test
	void confirmedTenantMessagesSurviveABrokerRestartAndRunInTheirTenant() throws Exception {
		try (OwnRabbitNode broker = new OwnRabbitNode(19465)) {
			broker.start();
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(RabbitAutoConfiguration.class,
						TenancyWorkAutoConfiguration.class, TenancyMessagingAutoConfiguration.class))
				.withBean(TenantRegistry.class,
						() -> new InMemoryTenantRegistry(
								List.of(new Tenant(TenantId.of("acme"), null, TenantStatus.ACTIVE, null, 1),
										new Tenant(TenantId.of("globex"), null, TenantStatus.ACTIVE, null, 1),
										new Tenant(TenantId.of("initech"), null, TenantStatus.SUSPENDED, null, 1))))
				.withUserConfiguration(DurableListener.class)
				.withPropertyValues("spring.rabbitmq.host=127.0.0.1", "spring.rabbitmq.port=" + broker.port(),
						"spring.rabbitmq.publisher-confirm-type=simple",
						// the listener starts only after the restart: everything sent
						// before
						// waits in the broker through it
						"spring.rabbitmq.listener.simple.auto-startup=false")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					RabbitTemplate template = context.getBean(RabbitTemplate.class);
					List<String> confirmed = new ArrayList<>();
					confirmed.addAll(sendConfirmed(template, "acme", "before", BEFORE));
					confirmed.addAll(sendConfirmed(template, "globex", "before", BEFORE));
					// a suspended tenant's message, from a publisher without the
					// library's
					// stamping
					new RabbitTemplate(template.getConnectionFactory()).invoke((operations) -> {
						operations.send(QUEUE,
								MessageBuilder.withBody("initech-before".getBytes())
									.setHeader(TenantMessageHeaders.TENANT, "initech")
									.setDeliveryMode(MessageDeliveryMode.PERSISTENT)
									.build());
						operations.waitForConfirmsOrDie(20_000);
						return null;
					});

					broker.stop();
					broker.start();

					confirmed.addAll(sendConfirmed(template, "acme", "after", AFTER));
					context.getBean(RabbitListenerEndpointRegistry.class).start();
					DurableListener listener = context.getBean(DurableListener.class);
					Set<String> processed = new TreeSet<>();
					for (int i = 0; i < confirmed.size(); i++) {
						String received = listener.received.poll(60, TimeUnit.SECONDS);
						assertThat(received).as("message %d of %d", i + 1, confirmed.size()).isNotNull();
						processed.add(received);
					}
					List<String> expected = confirmed.stream()
						.map((body) -> body + " as " + body.substring(0, body.indexOf('-')))
						.toList();
					assertThat(processed).as("every confirmed message, in its sender's tenant")
						.containsExactlyInAnyOrderElementsOf(expected);
					Message deadLetter = template.receive(QUEUE + ".dlq", 30_000);
					assertThat(deadLetter).isNotNull();
					assertThat(new String(deadLetter.getBody())).isEqualTo("initech-before");
					assertThat(listener.received.poll(1, TimeUnit.SECONDS)).as("nothing else processed").isNull();
					context.getBean(RabbitListenerEndpointRegistry.class).stop();
				});
		}
	}

	/** Sends as the tenant and waits until the broker confirmed every message. */
	private static List<String> sendConfirmed(RabbitTemplate template, String tenant, String phase, int count) {
		List<String> bodies = new ArrayList<>();
		TenantContext.run(TenantId.of(tenant), () -> template.invoke((operations) -> {
			for (int i = 0; i < count; i++) {
				String body = tenant + "-" + phase + "-" + i;
				operations.convertAndSend(QUEUE, body);
				bodies.add(body);
			}
			operations.waitForConfirmsOrDie(20_000);
			return null;
		}));
		return bodies;
	}

	@Configuration(proxyBeanMethods = false)
	static class DurableListener {

		final BlockingQueue<String> received = new LinkedBlockingQueue<>();

		@Bean
		Queue deadLetters() {
			return QueueBuilder.durable(QUEUE + ".dlq").build();
		}

		@Bean
		Queue work() {
			return QueueBuilder.durable(QUEUE).deadLetterExchange("").deadLetterRoutingKey(QUEUE + ".dlq").build();
		}

		@Bean
		RabbitAdmin rabbitAdmin(org.springframework.amqp.rabbit.connection.ConnectionFactory connectionFactory) {
			return new RabbitAdmin(connectionFactory);
		}

		@RabbitListener(queues = QUEUE)
		void receive(String body) {
			this.received.add(body + " as " + TenantContext.require());
		}

	}

}
