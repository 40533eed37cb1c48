package dev.tenancy.autoconfigure;

import java.util.Base64;

import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.amqp.autoconfigure.RabbitTemplateCustomizer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import dev.tenancy.context.TenantWork;
import dev.tenancy.messaging.TenantListenerAdvice;
import dev.tenancy.messaging.TenantMessageSignature;
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
	TenantMessageStamper tenantMessageStamper(TenancyMessagingProperties properties,
			ObjectProvider<TenantMessageSignature> signature) {
		if (properties.signingKey() == null && !properties.previousSigningKeys().isEmpty()) {
			throw new TenancyConfigurationException(
					"tenancy.messaging.previous-signing-keys is set but tenancy.messaging.signing-key is not.",
					"Set tenancy.messaging.signing-key to the current key (base64 of 32 random bytes).");
		}
		return new TenantMessageStamper(properties.header(), properties.globalExchanges(), signature.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty("tenancy.messaging.signing-key")
	TenantMessageSignature tenantMessageSignature(TenancyMessagingProperties properties) {
		return new TenantMessageSignature(key(properties.signingKey(), "tenancy.messaging.signing-key"),
				properties.previousSigningKeys()
					.stream()
					.map((key) -> key(key, "tenancy.messaging.previous-signing-keys"))
					.toList());
	}

	private static byte[] key(String base64, String property) {
		byte[] key;
		try {
			key = Base64.getDecoder().decode(base64.trim());
		}
		catch (IllegalArgumentException ex) {
			throw invalidKey(property + " is not base64");
		}
		if (key.length < TenantMessageSignature.MIN_KEY_BYTES) {
			throw invalidKey(property + " has " + key.length + " bytes");
		}
		return key;
	}

	private static TenancyConfigurationException invalidKey(String what) {
		return new TenancyConfigurationException("Invalid message signing key: " + what + ".",
				"Set it to base64 of at least " + TenantMessageSignature.MIN_KEY_BYTES
						+ " random bytes (openssl rand -base64 32), the same on every instance.");
	}

	@Bean
	RabbitTemplateCustomizer tenancyRabbitTemplateCustomizer(TenantMessageStamper stamper) {
		return (template) -> template.addBeforePublishPostProcessors(stamper);
	}

	@Bean
	@ConditionalOnMissingBean
	TenantListenerAdvice tenantListenerAdvice(TenantWork work, TenancyMessagingProperties properties,
			ObjectProvider<TenantMessageSignature> signature) {
		return new TenantListenerAdvice(work, properties.header(), properties.globalQueues(),
				signature.getIfAvailable(), properties.acceptUnsigned());
	}

	@Bean
	static TenantListenerContainerFactoryPostProcessor tenantListenerContainerFactoryPostProcessor(
			ObjectProvider<TenantListenerAdvice> advice) {
		return new TenantListenerContainerFactoryPostProcessor(advice);
	}

}
