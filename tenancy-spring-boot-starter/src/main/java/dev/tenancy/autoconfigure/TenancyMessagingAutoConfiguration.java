package dev.tenancy.autoconfigure;

import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.amqp.autoconfigure.RabbitTemplateCustomizer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import dev.tenancy.context.TenantWork;
import dev.tenancy.messaging.TenantListenerAdvice;
import dev.tenancy.messaging.TenantMessageStamper;

/**
 * Tenant-carrying messages over Spring AMQP: Boot's {@code RabbitTemplate} stamps the
 * tenant in context on every message it sends ({@link TenantMessageStamper}, a
 * before-publish post-processor added by a {@link RabbitTemplateCustomizer}), and every
 * listener container factory runs each message in its tenant after checking it in the
 * registry, rejecting the others to the dead-letter exchange
 * ({@link TenantListenerAdvice}, first in the factory's advice chain, before Boot's
 * retry).
 */
@AutoConfiguration(after = TenancyWorkAutoConfiguration.class,
		beforeName = "org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration")
@ConditionalOnClass({ RabbitTemplate.class, RabbitTemplateCustomizer.class })
@ConditionalOnBooleanProperty(name = "tenancy.messaging.enabled", matchIfMissing = true)
@ConditionalOnBean(TenantWork.class)
@EnableConfigurationProperties(TenancyMessagingProperties.class)
public final class TenancyMessagingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TenantMessageStamper tenantMessageStamper(TenancyMessagingProperties properties) {
		return new TenantMessageStamper(properties.header(), properties.globalExchanges());
	}

	@Bean
	RabbitTemplateCustomizer tenancyRabbitTemplateCustomizer(TenantMessageStamper stamper) {
		return (template) -> template.addBeforePublishPostProcessors(stamper);
	}

	@Bean
	@ConditionalOnMissingBean
	TenantListenerAdvice tenantListenerAdvice(TenantWork work, TenancyMessagingProperties properties) {
		return new TenantListenerAdvice(work, properties.header(), properties.globalQueues());
	}

	@Bean
	static TenantListenerContainerFactoryPostProcessor tenantListenerContainerFactoryPostProcessor(
			ObjectProvider<TenantListenerAdvice> advice) {
		return new TenantListenerContainerFactoryPostProcessor(advice);
	}

}
