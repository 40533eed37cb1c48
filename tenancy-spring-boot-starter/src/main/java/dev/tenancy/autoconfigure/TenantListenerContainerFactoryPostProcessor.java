package dev.tenancy.autoconfigure;

import org.springframework.amqp.rabbit.config.BaseRabbitListenerContainerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

import dev.tenancy.messaging.TenantListenerAdvice;

/**
 * Puts the {@link TenantListenerAdvice} first in the advice chain of every listener
 * container factory bean (Boot's {@code rabbitListenerContainerFactory} and the
 * application's own), after Boot configured it: Boot's retry interceptor stays, inside.
 */
final class TenantListenerContainerFactoryPostProcessor implements BeanPostProcessor {

	private final ObjectProvider<TenantListenerAdvice> advice;

	TenantListenerContainerFactoryPostProcessor(ObjectProvider<TenantListenerAdvice> advice) {
		this.advice = advice;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof BaseRabbitListenerContainerFactory<?> factory) {
			TenantListenerAdvice tenantAdvice = this.advice.getIfAvailable();
			if (tenantAdvice != null) {
				TenantListenerAdvice.applyTo(factory, tenantAdvice);
			}
		}
		return bean;
	}

}
