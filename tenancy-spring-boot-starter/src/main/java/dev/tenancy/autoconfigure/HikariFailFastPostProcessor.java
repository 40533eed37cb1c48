package dev.tenancy.autoconfigure;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Gives a Hikari pool the starter's connection timeout ({@code tenancy.jdbc.connection-timeout})
 * unless the application chose one: while the database is away a request then fails (503
 * {@code database_unavailable}) after that long instead of Hikari's default 30 s. The validation
 * timeout, which bounds checking a pooled connection that may be dead, is kept below it.
 * <p>
 * The application's choice wins: {@code spring.datasource.hikari.connection-timeout} (or
 * {@code validation-timeout}) set anywhere in the environment, or a pool it built itself with a
 * value other than Hikari's default.
 */
class HikariFailFastPostProcessor implements BeanPostProcessor {

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
		if (bean instanceof HikariDataSource pool) {
			Binder binder = Binder.get(this.environment);
			Duration timeout = binder.bind("tenancy.jdbc.connection-timeout", Duration.class)
				.orElse(TenancyJdbcProperties.DEFAULT_CONNECTION_TIMEOUT);
			long millis = Math.max(HIKARI_MINIMUM, timeout.toMillis());
			if (!binder.bind("spring.datasource.hikari.connection-timeout", String.class).isBound()
					&& pool.getConnectionTimeout() == HIKARI_DEFAULT_CONNECTION_TIMEOUT) {
				pool.setConnectionTimeout(millis);
			}
			long validation = Math.max(HIKARI_MINIMUM, pool.getConnectionTimeout() / 2);
			if (!binder.bind("spring.datasource.hikari.validation-timeout", String.class).isBound()
					&& pool.getValidationTimeout() == HIKARI_DEFAULT_VALIDATION_TIMEOUT
					&& validation < pool.getValidationTimeout()) {
				pool.setValidationTimeout(validation);
			}
		}
		return bean;
	}

}
