package dev.tenancy.autoconfigure;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.Properties;

import javax.net.ssl.SSLParameters;
import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.web.client.RestClient;

import dev.tenancy.registry.CachingTenantRegistry;
import dev.tenancy.registry.TenantChangedEvent;
import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.registry.file.YamlTenantSource;
import dev.tenancy.registry.jdbc.DualTenantRegistry;
import dev.tenancy.registry.jdbc.JdbcTenantRegistry;
import dev.tenancy.registry.jdbc.PostgresChangeListener;
import dev.tenancy.registry.jdbc.RegistryMigrations;
import dev.tenancy.registry.remote.ConfigServerChangeFollower;
import dev.tenancy.registry.remote.ConfigServerConnection;
import dev.tenancy.registry.remote.ConfigServerTenantRegistry;

/**
 * The PostgreSQL, file and config-server registries, cached, with cross-instance invalidation. The registry from
 * {@code tenancy.tenants.*} (in {@link TenancyAutoConfiguration}) backs off when one of these is
 * selected by {@code tenancy.registry.source}.
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class, before = TenancyAutoConfiguration.class)
@EnableConfigurationProperties(TenancyRegistryProperties.class)
public final class TenancyRegistryAutoConfiguration {

	/**
	 * How long the cache leaves a registry that just failed alone: while the database is away,
	 * cached tenants are served at once rather than after the pool's timeout on every request.
	 */
	static final Duration REGISTRY_RETRY_INTERVAL = Duration.ofSeconds(1);

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ JdbcTenantRegistry.class, org.flywaydb.core.Flyway.class, org.postgresql.PGConnection.class })
	@ConditionalOnProperty(name = "tenancy.registry.source", havingValue = "jdbc")
	@ConditionalOnBean(DataSource.class)
	static class JdbcRegistryConfiguration {

		@Bean
		@ConditionalOnMissingBean
		JdbcTenantRegistry jdbcTenantRegistry(DataSource dataSource, TenancyRegistryProperties properties,
				ApplicationEventPublisher events) {
			if (properties.jdbc().migrate()) {
				RegistryMigrations.migrate(dataSource, properties.jdbc().schema());
			}
			return new JdbcTenantRegistry(dataSource, properties.jdbc().schema(), events::publishEvent);
		}

		@Bean
		@Primary
		@ConditionalOnMissingBean(CachingTenantRegistry.class)
		CachingTenantRegistry tenantRegistry(JdbcTenantRegistry jdbc, TenancyRegistryProperties properties) {
			TenantRegistry source = jdbc;
			if (properties.files().directory() != null) {
				source = new DualTenantRegistry(jdbc, new YamlTenantSource(properties.files().directory()));
			}
			TenancyRegistryProperties.Cache cache = properties.cache();
			return new CachingTenantRegistry(source, cache.maximumSize(), cache.timeToLive(), cache.lastKnownGood(),
					REGISTRY_RETRY_INTERVAL);
		}

		@Bean
		ApplicationListener<PayloadApplicationEvent<TenantChangedEvent>> tenantCacheInvalidator(
				CachingTenantRegistry cache) {
			return ApplicationListener.forPayload((event) -> cache.invalidate(event.tenant()));
		}

		@Bean(destroyMethod = "close")
		@ConditionalOnProperty(name = "tenancy.registry.jdbc.listen", matchIfMissing = true)
		@ConditionalOnMissingBean
		PostgresChangeListener tenantChangeListener(CachingTenantRegistry cache,
				ObjectProvider<DataSourceProperties> dataSourceProperties, DataSource dataSource) {
			DataSourceProperties connection = dataSourceProperties.getIfAvailable();
			PostgresChangeListener.ConnectionFactory factory = (connection != null && connection.determineUrl() != null)
					? () -> DriverManager.getConnection(connection.determineUrl(), listenerProperties(connection))
					: dataSource::getConnection;
			return new PostgresChangeListener(factory, cache::invalidate, cache::invalidateAll);
		}

		/**
		 * Connection properties of the listener's own connection: bounded connect and login time, so
		 * reconnecting into an unreachable network cannot hang, and a name operators can find it by.
		 */
		private static Properties listenerProperties(DataSourceProperties connection) {
			Properties properties = new Properties();
			if (connection.determineUsername() != null) {
				properties.setProperty("user", connection.determineUsername());
			}
			if (connection.determinePassword() != null) {
				properties.setProperty("password", connection.determinePassword());
			}
			properties.setProperty("connectTimeout", "5");
			properties.setProperty("loginTimeout", "5");
			properties.setProperty("ApplicationName", "tenancy-registry-listener");
			return properties;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "tenancy.registry.source", havingValue = "files")
	static class FileRegistryConfiguration {

		@Bean
		@ConditionalOnMissingBean(TenantRegistry.class)
		YamlTenantSource tenantRegistry(TenancyRegistryProperties properties) {
			if (properties.files().directory() == null) {
				throw new IllegalStateException(
						"tenancy.registry.source is 'files' but tenancy.registry.files.directory is not set");
			}
			return new YamlTenantSource(properties.files().directory());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "tenancy.registry.source", havingValue = "config-server")
	static class ConfigServerRegistryConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ConfigServerTenantRegistry configServerTenantRegistry(TenancyRegistryProperties properties,
				ObjectProvider<RestClient.Builder> restClientBuilder, ObjectProvider<SslBundles> sslBundles) {
			TenancyRegistryProperties.ConfigServer server = properties.configServer();
			if (server.url() == null) {
				throw new IllegalStateException(
						"tenancy.registry.source is 'config-server' but tenancy.registry.config-server.url is not set");
			}
			ConfigServerConnection connection;
			try {
				// Spring Boot's builder when there is one, so that its observations (metrics, tracing) apply.
				SslBundle bundle = (server.sslBundle() != null) ? sslBundle(sslBundles, server.sslBundle()) : null;
				connection = new ConfigServerConnection(restClientBuilder.getIfAvailable(RestClient::builder),
						server.url(), server.username(), server.password(), server.connectTimeout(),
						server.readTimeout(), (bundle != null) ? bundle.createSslContext() : null,
						(bundle != null) ? sslParameters(bundle) : null);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException("Invalid tenancy.registry.config-server settings: " + ex.getMessage(), ex);
			}
			return new ConfigServerTenantRegistry(connection, properties.cache().maximumSize());
		}

		private static SslBundle sslBundle(ObjectProvider<SslBundles> sslBundles, String name) {
			SslBundles bundles = sslBundles.getIfAvailable();
			if (bundles == null) {
				throw new TenancyConfigurationException(
						"tenancy.registry.config-server.ssl-bundle is '" + name + "' but there are no SSL bundles.",
						"Define the bundle under spring.ssl.bundle.* or remove tenancy.registry.config-server.ssl-bundle.");
			}
			try {
				return bundles.getBundle(name);
			}
			catch (NoSuchSslBundleException ex) {
				throw new TenancyConfigurationException(
						"tenancy.registry.config-server.ssl-bundle names the SSL bundle '" + name + "', which does not exist.",
						"Define it under spring.ssl.bundle.jks." + name + " or spring.ssl.bundle.pem." + name
								+ ", or name an existing bundle.");
			}
		}

		private static SSLParameters sslParameters(SslBundle bundle) {
			org.springframework.boot.ssl.SslOptions options = bundle.getOptions();
			if (options.getCiphers() == null && options.getEnabledProtocols() == null) {
				return null;
			}
			SSLParameters parameters = new SSLParameters();
			parameters.setCipherSuites(options.getCiphers());
			parameters.setProtocols(options.getEnabledProtocols());
			return parameters;
		}

		@Bean
		@Primary
		@ConditionalOnMissingBean(CachingTenantRegistry.class)
		CachingTenantRegistry tenantRegistry(ConfigServerTenantRegistry registry, TenancyRegistryProperties properties) {
			TenancyRegistryProperties.Cache cache = properties.cache();
			return new CachingTenantRegistry(registry, cache.maximumSize(), cache.timeToLive(), cache.lastKnownGood());
		}

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean
		ConfigServerChangeFollower tenantChangeFollower(ConfigServerTenantRegistry registry, CachingTenantRegistry cache,
				TenancyRegistryProperties properties) {
			return new ConfigServerChangeFollower(registry.connection(), cache::invalidate, cache::invalidateAll,
					properties.configServer().pollInterval());
		}

	}

}
