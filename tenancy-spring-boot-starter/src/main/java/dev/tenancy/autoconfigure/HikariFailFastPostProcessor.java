package dev.tenancy.autoconfigure;

import java.time.Duration;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Gives a Hikari pool the starter's connection timeout
 * ({@code tenancy.jdbc.connection-timeout}) unless the application chose one: while the
 * database is away a request then fails (503 {@code database_unavailable}) after that
 * long instead of Hikari's default 30 s. The validation timeout, which bounds checking a
 * borrowed idle connection that may be dead, is kept inside it.
 * <p>
 * The application's choice wins: {@code spring.datasource.hikari.connection-timeout} set
 * anywhere in the environment, or a pool it built itself with a value other than Hikari's
 * default; then nothing is changed.
 * <p>
 * The pool is reached through its bean properties rather than Hikari's types, so the
 * starter does not put Hikari on an application's class path (which would make Spring
 * Boot configure a pool).
 */
class HikariFailFastPostProcessor implements BeanPostProcessor {

	static final String HIKARI_DATA_SOURCE = "com.zaxxer.hikari.HikariDataSource";

	static final long HIKARI_DEFAULT_CONNECTION_TIMEOUT = 30_000;

	static final long HIKARI_DEFAULT_VALIDATION_TIMEOUT = 5_000;

	/** Hikari's floor for both timeouts. */
	private static final long HIKARI_MINIMUM = 250;

	private final Environment environment;

	HikariFailFastPostProcessor(Environment environment) {
		this.environment = environment;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (!isHikariPool(bean.getClass())) {
			return bean;
		}
		Binder binder = Binder.get(this.environment);
		BeanWrapper pool = PropertyAccessorFactory.forBeanPropertyAccess(bean);
		if (binder.bind("spring.datasource.hikari.connection-timeout", String.class).isBound()
				|| !Long.valueOf(HIKARI_DEFAULT_CONNECTION_TIMEOUT)
					.equals(pool.getPropertyValue("connectionTimeout"))) {
			return bean;
		}
		Duration timeout = binder.bind("tenancy.jdbc.connection-timeout", Duration.class)
			.orElse(TenancyJdbcProperties.DEFAULT_CONNECTION_TIMEOUT);
		long millis = Math.max(HIKARI_MINIMUM, timeout.toMillis());
		pool.setPropertyValue("connectionTimeout", millis);
		long validation = Math.max(HIKARI_MINIMUM, millis / 2);
		if (!binder.bind("spring.datasource.hikari.validation-timeout", String.class).isBound()
				&& Long.valueOf(HIKARI_DEFAULT_VALIDATION_TIMEOUT).equals(pool.getPropertyValue("validationTimeout"))
				&& validation < HIKARI_DEFAULT_VALIDATION_TIMEOUT) {
			pool.setPropertyValue("validationTimeout", validation);
		}
		return bean;
	}

	private static boolean isHikariPool(Class<?> type) {
		for (Class<?> candidate = type; candidate != null; candidate = candidate.getSuperclass()) {
			if (candidate.getName().equals(HIKARI_DATA_SOURCE)) {
				return true;
			}
		}
		return false;
	}

}
