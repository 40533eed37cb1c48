package dev.tenancy.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.aopalliance.aop.Advice;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.context.TenantContext;
import dev.tenancy.context.TenantWork;
import dev.tenancy.messaging.NoTenantForMessageException;
import dev.tenancy.messaging.TenantListenerAdvice;
import dev.tenancy.messaging.TenantMessageHeaders;
import dev.tenancy.messaging.TenantMessageStamper;
import dev.tenancy.registry.InMemoryTenantRegistry;
import dev.tenancy.registry.TenantRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Adding the starter is enough for Boot's {@code RabbitTemplate} to stamp the tenant and
 * for {@code @RabbitListener} methods to run in the message's checked tenant, with Boot's
 * listener retry kept; the starter backs off for the application's own beans and does
 * nothing without Spring AMQP or a registry.
 */
class TenancyMessagingAutoConfigurationTest {

	static final String QUEUE = "tenancy-test-" + UUID.randomUUID().toString().substring(0, 8);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RabbitAutoConfiguration.class, TenancyWorkAutoConfiguration.class,
				TenancyMessagingAutoConfiguration.class))
		.withBean(TenantRegistry.class,
				() -> new InMemoryTenantRegistry(
						List.of(new Tenant(TenantId.of("acme"), null, TenantStatus.ACTIVE, null, 1),
								new Tenant(TenantId.of("initech"), null, TenantStatus.SUSPENDED, null, 1))))
		.withPropertyValues("spring.rabbitmq.host=127.0.0.1", "spring.rabbitmq.port=5672");

	@Test
	void bootsTemplateStampsAndBootsListenerFactoryChecksTenantsWithRetryKept() {
		this.runner.withPropertyValues("spring.rabbitmq.listener.simple.retry.enabled=true").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(RabbitTemplate.class).getBeforePublishPostProcessors())
				.hasAtLeastOneElementOfType(TenantMessageStamper.class);
			Advice[] chain = context.getBean(SimpleRabbitListenerContainerFactory.class).getAdviceChain();
			assertThat(chain).hasSize(2);
			assertThat(chain[0]).isSameAs(context.getBean(TenantListenerAdvice.class));
			assertThat(context).hasSingleBean(TenantWork.class);
		});
	}

	@Test
	void rabbitListenersRunInTheMessagesTenantAndOthersAreDeadLettered() {
		this.runner.withUserConfiguration(ListeningApplication.class)
			.withPropertyValues("test.queue=" + QUEUE)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RabbitTemplate template = context.getBean(RabbitTemplate.class);
				RabbitAdmin admin = new RabbitAdmin(template.getConnectionFactory());
				try {
					ListeningApplication listener = context.getBean(ListeningApplication.class);
					assertThatThrownBy(() -> template.convertAndSend(QUEUE, "nobody's"))
						.isInstanceOf(NoTenantForMessageException.class);
					// a foreign publisher, without the library's stamping
					RabbitTemplate raw = new RabbitTemplate(template.getConnectionFactory());
					raw.send(QUEUE, MessageBuilder.withBody("unsigned".getBytes()).build());
					raw.send(QUEUE,
							MessageBuilder.withBody("suspended".getBytes())
								.setHeader(TenantMessageHeaders.TENANT, "initech")
								.build());
					TenantContext.run(TenantId.of("acme"), () -> template.convertAndSend(QUEUE, "hello"));
					assertThat(listener.received.poll(20, TimeUnit.SECONDS)).isEqualTo("hello as acme");
					Message first = template.receive(QUEUE + ".dlq", 20_000);
					Message second = template.receive(QUEUE + ".dlq", 20_000);
					assertThat(List.of(new String(first.getBody()), new String(second.getBody())))
						.containsExactlyInAnyOrder("unsigned", "suspended");
					assertThat(listener.received).isEmpty();
				}
				finally {
					context.stop();
					admin.deleteQueue(QUEUE);
					admin.deleteQueue(QUEUE + ".dlq");
				}
			});
	}

	@Test
	void withASigningKeyOnlySignedMessagesReachListeners() {
		String key = Base64.getEncoder().encodeToString("k".repeat(32).getBytes(StandardCharsets.US_ASCII));
		this.runner.withUserConfiguration(ListeningApplication.class)
			.withPropertyValues("test.queue=" + QUEUE, "tenancy.messaging.signing-key=" + key)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RabbitTemplate template = context.getBean(RabbitTemplate.class);
				RabbitAdmin admin = new RabbitAdmin(template.getConnectionFactory());
				try {
					ListeningApplication listener = context.getBean(ListeningApplication.class);
					// a publisher that knows the header, not the key
					new RabbitTemplate(template.getConnectionFactory()).send(QUEUE,
							MessageBuilder.withBody("forged".getBytes())
								.setHeader(TenantMessageHeaders.TENANT, "acme")
								.build());
					TenantContext.run(TenantId.of("acme"), () -> template.convertAndSend(QUEUE, "signed"));
					assertThat(listener.received.poll(20, TimeUnit.SECONDS)).isEqualTo("signed as acme");
					Message refused = template.receive(QUEUE + ".dlq", 20_000);
					assertThat(refused).isNotNull();
					assertThat(new String(refused.getBody())).isEqualTo("forged");
					assertThat(listener.received).isEmpty();
				}
				finally {
					context.stop();
					admin.deleteQueue(QUEUE);
					admin.deleteQueue(QUEUE + ".dlq");
				}
			});
	}

	@Test
	void badSigningKeysStopTheStartSayingHowToFixThem() {
		String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
		String goodKey = Base64.getEncoder().encodeToString(new byte[32]);
		for (String[] properties : List.of(new String[] { "tenancy.messaging.signing-key=not base64!" },
				new String[] { "tenancy.messaging.signing-key=" + shortKey },
				new String[] { "tenancy.messaging.signing-key=" + goodKey,
						"tenancy.messaging.previous-signing-keys=" + shortKey },
				new String[] { "tenancy.messaging.previous-signing-keys=" + goodKey })) {
			this.runner.withPropertyValues(properties).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(TenancyConfigurationException.class)
					.hasMessageContaining("tenancy.messaging.")
					.satisfies((failure) -> assertThat(((TenancyConfigurationException) failure).getAction())
						.contains("base64"))
					.message()
					.doesNotContain(goodKey)
					.doesNotContain(shortKey);
			});
		}
	}

	@Test
	void anApplicationsOwnAdviceAndStamperAreUsed() {
		TenantMessageStamper stamper = new TenantMessageStamper("x-tenant", List.of());
		this.runner.withBean("ownStamper", TenantMessageStamper.class, () -> stamper)
			.withBean("ownAdvice", TenantListenerAdvice.class,
					() -> new TenantListenerAdvice(new TenantWork(new InMemoryTenantRegistry(List.of())), "x-tenant",
							List.of()))
			.run((context) -> {
				assertThat(context).hasSingleBean(TenantListenerAdvice.class);
				assertThat(context.getBean(SimpleRabbitListenerContainerFactory.class).getAdviceChain())
					.containsExactly(context.getBean("ownAdvice", TenantListenerAdvice.class));
				assertThat(context.getBean(RabbitTemplate.class).getBeforePublishPostProcessors()).contains(stamper);
			});
	}

	@Test
	void nothingWithoutSpringAmqpOrARegistryOrWhenTurnedOff() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.amqp.")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(TenantListenerAdvice.class);
		});
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RabbitAutoConfiguration.class,
				TenancyWorkAutoConfiguration.class, TenancyMessagingAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(TenantListenerAdvice.class);
				assertThat(context.getBean(RabbitTemplate.class).getBeforePublishPostProcessors()).isNullOrEmpty();
			});
		this.runner.withPropertyValues("tenancy.messaging.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(TenantMessageStamper.class);
			assertThat(context.getBean(SimpleRabbitListenerContainerFactory.class).getAdviceChain()).isNullOrEmpty();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class ListeningApplication {

		final BlockingQueue<String> received = new LinkedBlockingQueue<>();

		@Bean
		Queue deadLetters() {
			return QueueBuilder.nonDurable(QUEUE + ".dlq").build();
		}

		@Bean
		Queue work() {
			// the default exchange routes dead letters to the queue named by the routing
			// key
			return QueueBuilder.nonDurable(QUEUE).deadLetterExchange("").deadLetterRoutingKey(QUEUE + ".dlq").build();
		}

		@Bean
		RabbitAdmin rabbitAdmin(org.springframework.amqp.rabbit.connection.ConnectionFactory connectionFactory) {
			return new RabbitAdmin(connectionFactory);
		}

		@RabbitListener(queues = "${test.queue}")
		void receive(String body) {
			this.received.add(body + " as " + TenantContext.require());
		}

	}

}
