package dev.tenancy.autoconfigure;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.transaction.ConfigurableTransactionManager;
import org.springframework.util.ClassUtils;

import dev.tenancy.jdbc.RowLevelSecurityCheck;
import dev.tenancy.jdbc.TenantTransactionListener;

/**
 * Row-level security for the application's tables: the current tenant on each
 * transaction's connection, through a listener added to the application's own transaction
 * managers (JDBC and JPA alike; the starter defines none), and a start-up check that RLS
 * can hold for the application's database role.
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class)
@ConditionalOnClass({ ConfigurableTransactionManager.class, DataSource.class, org.postgresql.Driver.class })
@ConditionalOnBooleanProperty(name = "tenancy.jdbc.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TenancyJdbcProperties.class)
public final class TenancyJdbcAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(TenancyJdbcAutoConfiguration.class);

	/**
	 * Spring's open-EntityManager-in-view interceptor, registered by Boot unless
	 * {@code spring.jpa.open-in-view=false}.
	 */
	static final String OPEN_IN_VIEW_INTERCEPTOR = "org.springframework.orm.jpa.support.OpenEntityManagerInViewInterceptor";

	/** The filter variant an application may register itself. */
	static final String OPEN_IN_VIEW_FILTER = "org.springframework.orm.jpa.support.OpenEntityManagerInViewFilter";

	/**
	 * Static and reading the setting through the {@link Binder}: a post-processor is
	 * created before any configuration-properties bean.
	 */
	@Bean
	static TenantTransactionListenerPostProcessor tenantTransactionListenerPostProcessor(Environment environment) {
		String setting = Binder.get(environment)
			.bind("tenancy.jdbc.setting", String.class)
			.orElse(TenantTransactionListener.DEFAULT_SETTING);
		try {
			return new TenantTransactionListenerPostProcessor(setting);
		}
		catch (IllegalArgumentException ex) {
			throw new TenancyConfigurationException(
					"tenancy.jdbc.setting '" + setting + "' is not a custom PostgreSQL setting name.",
					"Set tenancy.jdbc.setting to a lower-case name with a prefix, such as app.tenant_id.", ex);
		}
	}

	@Bean
	@ConditionalOnSingleCandidate(DataSource.class)
	SmartInitializingSingleton tenancyRowLevelSecurityCheck(DataSource dataSource, TenancyJdbcProperties properties) {
		return () -> {
			if (properties.rlsCheck() != TenancyJdbcProperties.RlsCheck.OFF) {
				new RowLevelSecurityCheck(dataSource)
					.verify(properties.rlsCheck() == TenancyJdbcProperties.RlsCheck.FAIL);
			}
		};
	}

	/**
	 * JPA's open-in-view keeps the EntityManager open after the transaction, so lazy
	 * loads in the view run outside any transaction and therefore without a tenant:
	 * row-level security then hides every row and collections come back empty. That fails
	 * closed (no tenant sees another's rows), so the application may still start, but it
	 * is almost never what the team wants.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = OPEN_IN_VIEW_INTERCEPTOR)
	static class OpenInViewConfiguration {

		@Bean
		SmartInitializingSingleton tenancyOpenInViewWarning(ListableBeanFactory beans) {
			return () -> {
				ClassLoader classLoader = getClass().getClassLoader();
				for (String type : new String[] { OPEN_IN_VIEW_INTERCEPTOR, OPEN_IN_VIEW_FILTER }) {
					if (ClassUtils.isPresent(type, classLoader) && beans
						.getBeanNamesForType(ClassUtils.resolveClassName(type, classLoader), false, false).length > 0) {
						logger.warn("JPA open-in-view is on: lazy loading after a transaction ends runs without the "
								+ "current tenant, so row-level security hides those rows (empty collections). "
								+ "Set spring.jpa.open-in-view=false and load what views need inside @Transactional "
								+ "methods.");
						return;
					}
				}
			};
		}

	}

}
