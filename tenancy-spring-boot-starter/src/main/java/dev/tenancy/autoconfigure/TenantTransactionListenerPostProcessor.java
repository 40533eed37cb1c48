package dev.tenancy.autoconfigure;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.transaction.ConfigurableTransactionManager;

import dev.tenancy.jdbc.TenantTransactionListener;

/**
 * Adds a {@link TenantTransactionListener} to every transaction manager that has a
 * {@code DataSource}, Spring Boot's or the application's own, JDBC or JPA, and leaves the
 * manager itself as it is. One route only: the listener is not a bean, so Boot's
 * {@code TransactionManagerCustomizationAutoConfiguration} (which adds listener beans to
 * the managers it creates) never adds a second one.
 */
class TenantTransactionListenerPostProcessor implements BeanPostProcessor {

	private static final Logger logger = LoggerFactory.getLogger(TenantTransactionListenerPostProcessor.class);

	private final String setting;

	TenantTransactionListenerPostProcessor(String setting) {
		this.setting = TenantTransactionListener.requireValidSetting(setting);
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof ConfigurableTransactionManager manager) {
			if (TenantTransactionListener.register(manager, this.setting)) {
				logger.debug("Transaction manager '{}' sets {} on each transaction", beanName, this.setting);
			}
			else {
				logger.debug("Transaction manager '{}' has no DataSource; it does not set {}", beanName, this.setting);
			}
		}
		return bean;
	}

}
