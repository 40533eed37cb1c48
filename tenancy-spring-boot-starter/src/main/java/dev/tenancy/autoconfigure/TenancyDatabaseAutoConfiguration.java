package dev.tenancy.autoconfigure;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Failing fast while the application's database is away: a bounded wait for a pooled
 * connection ({@code tenancy.jdbc.connection-timeout}, so a request is answered 503
 * {@code database_unavailable} quickly rather than after 30 s); the {@code db} health
 * component that answers within {@code tenancy.jdbc.health-timeout} is in
 * {@link TenancyHealthContributorAutoConfiguration}. Independent of
 * {@code tenancy.jdbc.enabled}, which is about the row-level-security transaction
 * manager.
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class,
		beforeName = "org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration")
@ConditionalOnClass(DataSource.class)
@EnableConfigurationProperties(TenancyJdbcProperties.class)
public final class TenancyDatabaseAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "com.zaxxer.hikari.HikariDataSource")
	static class HikariConfiguration {

		@Bean
		static HikariFailFastPostProcessor tenancyHikariFailFastPostProcessor(Environment environment) {
			return new HikariFailFastPostProcessor(environment);
		}

	}

}
