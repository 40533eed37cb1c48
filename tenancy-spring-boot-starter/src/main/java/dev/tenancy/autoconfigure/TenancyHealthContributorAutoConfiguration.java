package dev.tenancy.autoconfigure;

import java.time.Duration;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.tenancy.jdbc.DatabaseProbe;
import dev.tenancy.ratelimit.RateLimiter;
import dev.tenancy.ratelimit.RedisRateLimitClient;
import dev.tenancy.registry.CachingTenantRegistry;
import dev.tenancy.registry.jdbc.JdbcTenantRegistry;
import dev.tenancy.registry.jdbc.PostgresChangeListener;
import dev.tenancy.registry.bus.TenantChangePush;
import dev.tenancy.registry.remote.ConfigServerChangeFollower;
import dev.tenancy.registry.remote.ConfigServerTenantRegistry;

/**
 * Tenancy's health contributors, each one on only when its subject exists, backing off
 * when the application defines a bean of the same name, and switched off like Spring
 * Boot's own with {@code management.health.<name>.enabled=false}:
 * <ul>
 * <li>{@code tenancyRegistry} ({@code management.health.tenancy-registry.enabled}): the
 * PostgreSQL or config-server registry;</li>
 * <li>{@code tenancyRateLimiter}
 * ({@code management.health.tenancy-rate-limiter.enabled}): the Redis rate limiter,
 * always UP, degraded or not in its details;</li>
 * <li>{@code db} ({@code management.health.db.enabled}): in place of Spring Boot's own,
 * answering within {@code tenancy.jdbc.health-timeout} while the database is away.</li>
 * </ul>
 * Only with Spring Boot's health support on the classpath
 * ({@code spring-boot-starter-actuator}).
 */
@AutoConfiguration(
		after = { TenancyRegistryAutoConfiguration.class, TenancyRateLimitAutoConfiguration.class,
				TenancyDatabaseAutoConfiguration.class },
		afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		beforeName = "org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration")
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
public final class TenancyHealthContributorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(DataSource.class)
	@ConditionalOnSingleCandidate(DataSource.class)
	static class DatabaseProbeConfiguration {

		@Bean
		@ConditionalOnMissingBean
		DatabaseProbe tenancyDatabaseProbe(DataSource dataSource, ObjectProvider<TenancyJdbcProperties> properties) {
			TenancyJdbcProperties jdbc = properties.getIfAvailable();
			return new DatabaseProbe(dataSource, (jdbc != null) ? jdbc.healthTimeout() : Duration.ofMillis(500));
		}

		/** Named as Spring Boot's own {@code db} indicator, which then backs off. */
		@Bean
		@ConditionalOnEnabledHealthIndicator("db")
		@ConditionalOnMissingBean(name = { "dbHealthIndicator", "dbHealthContributor" })
		DatabaseHealthIndicator dbHealthIndicator(DatabaseProbe probe) {
			return new DatabaseHealthIndicator(probe);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.postgresql.PGConnection")
	@ConditionalOnBean(JdbcTenantRegistry.class)
	@ConditionalOnEnabledHealthIndicator("tenancy-registry")
	static class JdbcRegistryHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = { "tenancyRegistryHealthIndicator", "tenancyRegistryHealthContributor" })
		TenantRegistryHealthIndicator tenancyRegistryHealthIndicator(JdbcTenantRegistry registry,
				ObjectProvider<PostgresChangeListener> listener, CachingTenantRegistry cache,
				ObjectProvider<DatabaseProbe> database) {
			return new TenantRegistryHealthIndicator(registry, listener.getIfAvailable(), cache,
					database.getIfAvailable());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(ConfigServerTenantRegistry.class)
	@ConditionalOnEnabledHealthIndicator("tenancy-registry")
	static class ConfigServerRegistryHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = { "tenancyRegistryHealthIndicator", "tenancyRegistryHealthContributor" })
		ConfigServerRegistryHealthIndicator tenancyRegistryHealthIndicator(ConfigServerTenantRegistry registry,
				ObjectProvider<ConfigServerChangeFollower> follower, CachingTenantRegistry cache,
				TenancyRegistryProperties properties, ObjectProvider<TenantChangePush> push) {
			// Answered recently: within a few polls (and at least a few seconds, so one
			// slow poll is no outage).
			TenancyRegistryProperties.ConfigServer server = properties.configServer();
			Duration recently = server.pollInterval().multipliedBy(4).plus(server.readTimeout());
			if (recently.compareTo(Duration.ofSeconds(5)) < 0) {
				recently = Duration.ofSeconds(5);
			}
			// While changes are pushed the feed is polled every safety interval only.
			Duration recentlyWhilePushed = server.bus().safetyPollInterval().multipliedBy(2).plus(server.readTimeout());
			return new ConfigServerRegistryHealthIndicator(registry.connection(), follower.getIfAvailable(), cache,
					recently, push.getIfAvailable(), recentlyWhilePushed);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.lettuce.core.RedisClient")
	@ConditionalOnBean(type = "dev.tenancy.ratelimit.RedisRateLimitClient")
	@ConditionalOnEnabledHealthIndicator("tenancy-rate-limiter")
	static class RateLimiterHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = { "tenancyRateLimiterHealthIndicator", "tenancyRateLimiterHealthContributor" })
		RateLimiterHealthIndicator tenancyRateLimiterHealthIndicator(RedisRateLimitClient redis,
				@Qualifier(TenancyRateLimitAutoConfiguration.RATE_LIMITER_BEAN) ObjectProvider<RateLimiter> limiter) {
			return new RateLimiterHealthIndicator(redis, limiter.getIfAvailable(() -> redis));
		}

	}

}
