package dev.tenancy.autoconfigure;

import javax.sql.DataSource;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionManager;

import dev.tenancy.jdbc.RowLevelSecurityCheck;
import dev.tenancy.jdbc.TenantTransactionManager;

/**
 * Row-level security for the application's tables: a transaction manager that sets the current
 * tenant on each transaction's connection, and a start-up check that RLS can hold for the
 * application's database role.
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class, before = DataSourceTransactionManagerAutoConfiguration.class)
@ConditionalOnClass({ JdbcTransactionManager.class, DataSource.class, org.postgresql.Driver.class })
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBooleanProperty(name = "tenancy.jdbc.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TenancyJdbcProperties.class)
public final class TenancyJdbcAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(TransactionManager.class)
	TenantTransactionManager transactionManager(DataSource dataSource, TenancyJdbcProperties properties) {
		return new TenantTransactionManager(dataSource, properties.setting());
	}

	@Bean
	@ConditionalOnBean(DataSource.class)
	SmartInitializingSingleton tenancyRowLevelSecurityCheck(DataSource dataSource, TenancyJdbcProperties properties) {
		return () -> {
			if (properties.rlsCheck() != TenancyJdbcProperties.RlsCheck.OFF) {
				new RowLevelSecurityCheck(dataSource).verify(properties.rlsCheck() == TenancyJdbcProperties.RlsCheck.FAIL);
			}
		};
	}

}
