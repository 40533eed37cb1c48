package dev.tenancy.autoconfigure;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import javax.net.ssl.SSLParameters;
import javax.sql.DataSource;

import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.RestClient;

import dev.tenancy.InvalidTenantIdException;
import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
import dev.tenancy.client.ServiceTokens;
import dev.tenancy.registry.CachingTenantRegistry;
import dev.tenancy.registry.InMemoryTenantRegistry;
import dev.tenancy.registry.StoredText;
import dev.tenancy.registry.TenantChangedEvent;
import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.registry.TenantRegistryException;
import dev.tenancy.registry.TenantSecretCipher;
import dev.tenancy.registry.TenantSecrets;
import dev.tenancy.registry.file.YamlTenantSource;
import dev.tenancy.registry.jdbc.DualTenantRegistry;
import dev.tenancy.registry.jdbc.JdbcTenantRegistry;
import dev.tenancy.registry.jdbc.JdbcTenantSecrets;
import dev.tenancy.registry.jdbc.PostgresChangeListener;
import dev.tenancy.registry.remote.ConfigServerChangeFollower;
import dev.tenancy.registry.remote.ConfigServerConnection;
import dev.tenancy.registry.remote.ConfigServerTenantRegistry;

/**
 * The tenant registry selected by {@code tenancy.registry.source}, for web and non-web
 * applications alike: {@code tenancy.tenants.*} (the default), the PostgreSQL registry
 * (migrated as Flyway's owner role, cached, invalidated across instances by
 * {@code LISTEN/NOTIFY}), tenant files, or the config server. A {@code TenantRegistry}
 * bean of the application's own replaces the properties registry.
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class,
		afterName = TenancyRegistryAutoConfiguration.FLYWAY_AUTO_CONFIGURATION, before = TenancyAutoConfiguration.class)
@EnableConfigurationProperties({ TenancyRegistryProperties.class, TenancyProperties.class,
		TenancyConfigServerTokenProperties.class })
public final class TenancyRegistryAutoConfiguration {

	/**
	 * How long the cache leaves a registry that just failed alone: while the database is
	 * away, cached tenants are served at once rather than after the pool's timeout on
	 * every request.
	 */
	static final Duration REGISTRY_RETRY_INTERVAL = Duration.ofSeconds(1);

	/** Spring Boot's Flyway integration, which the registry's migrations go through. */
	static final String FLYWAY_AUTO_CONFIGURATION = "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration";

	private static final Logger logger = LoggerFactory.getLogger(TenancyRegistryAutoConfiguration.class);

	/**
	 * Tenants in {@code tenancy.tenants.*} while another registry is selected are not
	 * served. A warning, not a failure: a shared {@code application.yml} often keeps
	 * development tenants that a production profile replaces by the database, and a
	 * tenant that is not served only gets 403.
	 */
	@Bean
	SmartInitializingSingleton tenancyIgnoredTenantsWarning(TenancyRegistryProperties registry,
			TenancyProperties tenancy) {
		return () -> {
			if (registry.source() != TenancyRegistryProperties.Source.PROPERTIES && !tenancy.tenants().isEmpty()) {
				logger.warn(
						"tenancy.tenants.* declares {} tenant(s) but tenancy.registry.source is '{}': they are ignored. "
								+ "Remove them, or set tenancy.registry.source=properties to serve them.",
						tenancy.tenants().size(), registry.source().name().toLowerCase(Locale.ROOT).replace('_', '-'));
			}
		};
	}

	/**
	 * A misspelt source must not leave the application without a registry (or with an
	 * empty one): whatever needs the registry fails with the valid values.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(ConditionalOnRegistrySource.InvalidSourceCondition.class)
	static class InvalidSourceConfiguration {

		@Bean
		TenantRegistry tenantRegistry(Environment environment) {
			throw new TenancyConfigurationException(ConditionalOnRegistrySource.PROPERTY + " '"
					+ environment.getProperty(ConditionalOnRegistrySource.PROPERTY) + "' names no tenant registry.",
					"Set " + ConditionalOnRegistrySource.PROPERTY
							+ " to one of PROPERTIES, JDBC, FILES or CONFIG_SERVER "
							+ "(any case, with '-' or '_': config-server works too), or remove it for PROPERTIES.");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnRegistrySource(TenancyRegistryProperties.Source.PROPERTIES)
	static class PropertiesRegistryConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TenantRegistry tenantRegistry(TenancyProperties properties) {
			List<Tenant> tenants = new ArrayList<>();
			for (Map.Entry<String, TenancyProperties.TenantDefinition> entry : properties.definitions().entrySet()) {
				TenantId id = tenantId(entry.getKey());
				TenancyProperties.TenantDefinition definition = entry.getValue();
				tenants.add(new Tenant(id, definition.displayName(), definition.status(), definition.config(), 0));
			}
			try {
				return new InMemoryTenantRegistry(tenants);
			}
			catch (TenantRegistryException.EmailDomainTaken ex) {
				throw new TenancyConfigurationException(
						"tenancy.tenants.*.config.email-domains: two tenants claim the e-mail domain '" + ex.domain()
								+ "' (one is '" + ex.owner() + "').",
						"List each e-mail domain under one tenant only: a domain routes mail to exactly one tenant.");
			}
		}

		private static TenantId tenantId(String key) {
			try {
				return TenantId.of(key);
			}
			catch (InvalidTenantIdException ex) {
				throw new TenancyConfigurationException("tenancy.tenants." + key + ": " + ex.getMessage(),
						"Name each tenant under tenancy.tenants by a valid tenant id (a DNS label such as acme-travel).",
						ex);
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnRegistrySource(TenancyRegistryProperties.Source.JDBC)
	static class JdbcRegistryConfiguration {

		@Bean
		@ConditionalOnMissingBean
		JdbcTenantRegistry jdbcTenantRegistry(ObjectProvider<DataSource> dataSource,
				TenancyRegistryProperties properties, ApplicationEventPublisher events,
				ObjectProvider<TenancyRegistryMigration> migration, ResourceLoader resources) {
			DataSource database = dataSource.getIfUnique();
			if (database == null) {
				throw new TenancyConfigurationException(
						"tenancy.registry.source is 'jdbc' but the application has no (single) DataSource.",
						"Add spring-boot-starter-jdbc (or data-jdbc/data-jpa) and the PostgreSQL driver, and set "
								+ "spring.datasource.url, or choose another tenancy.registry.source.");
			}
			if (!ClassUtils.isPresent("org.postgresql.PGConnection", resources.getClassLoader())) {
				throw new TenancyConfigurationException(
						"tenancy.registry.source is 'jdbc' but the PostgreSQL driver is not on the classpath.",
						"Add org.postgresql:postgresql: the registry lives in PostgreSQL.");
			}
			// Created (and run) here, before the registry is used; absent only without
			// Flyway.
			if (properties.jdbc().migrate() && migration.getIfAvailable() == null) {
				throw new TenancyConfigurationException(
						"tenancy.registry.source is 'jdbc' with tenancy.registry.jdbc.migrate=true but Flyway is not on "
								+ "the classpath, so the tenant registry's tables cannot be created.",
						"Add spring-boot-starter-flyway and org.flywaydb:flyway-database-postgresql (the registry "
								+ "migrates as spring.flyway.user), or set tenancy.registry.jdbc.migrate=false and "
								+ "apply the registry's migrations yourself.");
			}
			return new JdbcTenantRegistry(database, properties.jdbc().schema(), events::publishEvent);
		}

		@Bean
		@Primary
		@ConditionalOnMissingBean(CachingTenantRegistry.class)
		CachingTenantRegistry tenantRegistry(JdbcTenantRegistry jdbc, TenancyRegistryProperties properties,
				ObjectProvider<ObservationRegistry> observations) {
			TenantRegistry source = jdbc;
			if (properties.files().directory() != null) {
				source = new DualTenantRegistry(jdbc, yamlTenantSource(properties));
			}
			TenancyRegistryProperties.Cache cache = properties.cache();
			CachingTenantRegistry registry = new CachingTenantRegistry(source, cache.maximumSize(), cache.timeToLive(),
					cache.lastKnownGood(), REGISTRY_RETRY_INTERVAL);
			registry.setObservationRegistry(observations.getIfUnique(() -> ObservationRegistry.NOOP));
			return registry;
		}

		/**
		 * Tenant secrets in the registry's database; with no key configured they are off
		 * (each use fails saying which property to set) rather than stored in plain text.
		 * Takes the registry so that the registry's migrations (run when it is created)
		 * have made the secrets table.
		 */
		@Bean
		@ConditionalOnMissingBean(TenantSecrets.class)
		JdbcTenantSecrets tenantSecrets(JdbcTenantRegistry jdbc, ObjectProvider<DataSource> dataSource,
				TenancyRegistryProperties properties) {
			TenancyRegistryProperties.Secrets secrets = properties.secrets();
			TenantSecretCipher cipher;
			if (secrets.key() == null || secrets.key().isBlank()) {
				if (!secrets.previousKeys().isEmpty()) {
					throw new TenancyConfigurationException(
							"tenancy.registry.secrets.previous-keys is set but tenancy.registry.secrets.key is not.",
							"Set tenancy.registry.secrets.key to the current key (base64 of 32 random bytes).");
				}
				logger.info("Tenant secrets are off: tenancy.registry.secrets.key is not set");
				cipher = TenantSecretCipher.disabled();
			}
			else {
				try {
					cipher = TenantSecretCipher.of(secrets.keyId(), secrets.key(), secrets.previousKeys());
				}
				catch (IllegalArgumentException ex) {
					throw new TenancyConfigurationException(
							"Invalid tenancy.registry.secrets settings: " + ex.getMessage(),
							"Set tenancy.registry.secrets.key (and each previous key) to base64 of 32 random bytes "
									+ "(openssl rand -base64 32), with key ids of letters, digits, '.', '_' or '-'.",
							null);
				}
			}
			return new JdbcTenantSecrets(dataSource.getIfUnique(), properties.jdbc().schema(), cipher);
		}

		@Bean
		ApplicationListener<PayloadApplicationEvent<TenantChangedEvent>> tenantCacheInvalidator(
				CachingTenantRegistry cache) {
			return ApplicationListener.forPayload((event) -> cache.invalidate(event.tenant()));
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = { FLYWAY_AUTO_CONFIGURATION, "org.flywaydb.core.Flyway" })
		@ConditionalOnBooleanProperty(name = "tenancy.registry.jdbc.migrate", matchIfMissing = true)
		@ConditionalOnSingleCandidate(DataSource.class)
		static class MigrationConfiguration {

			@Bean
			@ConditionalOnMissingBean
			TenancyRegistryMigration tenancyRegistryMigration(ObjectProvider<org.flywaydb.core.Flyway> flyway,
					ObjectProvider<org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer> applicationMigrations,
					DataSource dataSource, TenancyRegistryProperties properties) {
				return new TenancyRegistryMigration(flyway, applicationMigrations, dataSource,
						properties.jdbc().schema());
			}

		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = { "org.postgresql.PGConnection",
				"org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails" })
		@ConditionalOnBooleanProperty(name = "tenancy.registry.jdbc.listen", matchIfMissing = true)
		@ConditionalOnSingleCandidate(DataSource.class)
		static class ChangeListenerConfiguration {

			/**
			 * The listener's own, unpooled connection goes where Spring Boot's
			 * {@link JdbcConnectionDetails} say (properties, {@code @ServiceConnection},
			 * Docker Compose); without them (an application's own DataSource) it holds
			 * one connection of the application's pool.
			 */
			@Bean(destroyMethod = "close")
			@ConditionalOnMissingBean
			PostgresChangeListener tenantChangeListener(CachingTenantRegistry cache,
					ObjectProvider<JdbcConnectionDetails> connectionDetails, DataSource dataSource) {
				JdbcConnectionDetails details = connectionDetails.getIfUnique();
				PostgresChangeListener.ConnectionFactory factory = (details != null && details.getJdbcUrl() != null)
						? PostgresChangeListener.ConnectionFactory.forUrl(details.getJdbcUrl(), details.getUsername(),
								details.getPassword())
						: dataSource::getConnection;
				return new PostgresChangeListener(factory, cache::invalidate, cache::invalidateAll);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnRegistrySource(TenancyRegistryProperties.Source.FILES)
	static class FileRegistryConfiguration {

		@Bean
		@ConditionalOnMissingBean(TenantRegistry.class)
		YamlTenantSource tenantRegistry(TenancyRegistryProperties properties) {
			if (properties.files().directory() == null) {
				throw new TenancyConfigurationException(
						"tenancy.registry.source is 'files' but tenancy.registry.files.directory is not set.",
						"Set tenancy.registry.files.directory to the directory of <tenant-id>.yaml files.");
			}
			return yamlTenantSource(properties);
		}

	}

	/**
	 * The tenant files, all valid, or a start-up failure naming each invalid file and
	 * why: a broken file would otherwise show only as a 403 for that tenant.
	 */
	static YamlTenantSource yamlTenantSource(TenancyRegistryProperties properties) {
		Path directory = properties.files().directory();
		YamlTenantSource source;
		try {
			source = new YamlTenantSource(directory);
		}
		catch (UncheckedIOException ex) {
			throw new TenancyConfigurationException(
					"tenancy.registry.files.directory '" + directory
							+ "' cannot be read as a directory of tenant files.",
					"Point tenancy.registry.files.directory at an existing, readable directory.", ex);
		}
		if (!source.invalidFiles().isEmpty()) {
			String problems = source.invalidFiles()
				.stream()
				.map((invalid) -> "  " + StoredText.escape(invalid.path().getFileName().toString()) + ": "
						+ StoredText.escape(invalid.reason()))
				.collect(Collectors.joining("\n"));
			throw new TenancyConfigurationException(
					"Invalid tenant files in tenancy.registry.files.directory '" + directory + "':\n" + problems,
					"Correct or remove the files named above; every tenant file must be valid for the application to "
							+ "start.");
		}
		return source;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnRegistrySource(TenancyRegistryProperties.Source.CONFIG_SERVER)
	static class ConfigServerRegistryConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ConfigServerTenantRegistry configServerTenantRegistry(TenancyRegistryProperties properties,
				ObjectProvider<RestClient.Builder> restClientBuilder, ObjectProvider<SslBundles> sslBundles,
				ObjectProvider<ObservationRegistry> observations,
				ObjectProvider<TenancyConfigServerTokenProperties> tokenProperties) {
			TenancyRegistryProperties.ConfigServer server = properties.configServer();
			if (server.url() == null) {
				throw new TenancyConfigurationException(
						"tenancy.registry.source is 'config-server' but tenancy.registry.config-server.url is not set.",
						"Set tenancy.registry.config-server.url to the config server's base URL, such as "
								+ "http://config-server:8888, or choose another tenancy.registry.source.");
			}
			ConfigServerConnection connection;
			try {
				// Spring Boot's builder when there is one, so that its observations
				// (metrics, tracing) apply; without spring-boot-restclient (the webmvc
				// starter lacks it) a plain builder observed by the application's
				// registry,
				// so the trace still reaches the config server (traceparent).
				SslBundle bundle = (server.sslBundle() != null) ? sslBundle(sslBundles, server.sslBundle()) : null;
				RestClient.Builder builder = restClientBuilder.getIfAvailable(() -> RestClient.builder()
					.observationRegistry(observations.getIfUnique(() -> ObservationRegistry.NOOP)));
				TenancyConfigServerTokenProperties token = tokenProperties.getIfAvailable();
				String username = server.username();
				if (token != null && token.enabled()) {
					// A service token instead of HTTP basic.
					builder = builder.clone().requestInterceptor(serviceTokens(token, server).interceptor());
					username = null;
				}
				connection = new ConfigServerConnection(builder, server.url(), username, server.password(),
						server.connectTimeout(), server.readTimeout(),
						(bundle != null) ? bundle.createSslContext() : null,
						(bundle != null) ? sslParameters(bundle) : null);
			}
			catch (IllegalArgumentException ex) {
				throw new TenancyConfigurationException(
						"Invalid tenancy.registry.config-server settings: " + ex.getMessage(),
						"Set tenancy.registry.config-server.url to an absolute http or https URL without credentials, "
								+ "and the credentials in .username and .password.",
						ex);
			}
			return new ConfigServerTenantRegistry(connection, properties.cache().maximumSize());
		}

		private static ServiceTokens serviceTokens(TenancyConfigServerTokenProperties token,
				TenancyRegistryProperties.ConfigServer server) {
			if (!ClassUtils.isPresent("org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager",
					TenancyRegistryAutoConfiguration.class.getClassLoader())) {
				throw new TenancyConfigurationException(
						"tenancy.registry.config-server.token.token-uri is set but Spring Security's OAuth 2.0 client "
								+ "is not on the class path.",
						"Add org.springframework.security:spring-security-oauth2-client, or remove the token settings "
								+ "to use HTTP basic.");
			}
			try {
				return new ServiceTokens(
						new ServiceTokens.Settings(token.tokenUri(), token.clientId(), token.clientSecret(),
								token.scopes(), token.renewBefore(), server.connectTimeout(), server.readTimeout()));
			}
			catch (IllegalArgumentException | NullPointerException ex) {
				throw new TenancyConfigurationException(
						"Invalid tenancy.registry.config-server.token settings: " + ex.getMessage(),
						"Set tenancy.registry.config-server.token.client-id and client-secret (and scopes) for the "
								+ "token endpoint in token-uri.",
						ex);
			}
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
						"tenancy.registry.config-server.ssl-bundle names the SSL bundle '" + name
								+ "', which does not exist.",
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
		CachingTenantRegistry tenantRegistry(ConfigServerTenantRegistry registry, TenancyRegistryProperties properties,
				ObjectProvider<ObservationRegistry> observations) {
			TenancyRegistryProperties.Cache cache = properties.cache();
			CachingTenantRegistry caching = new CachingTenantRegistry(registry, cache.maximumSize(), cache.timeToLive(),
					cache.lastKnownGood());
			caching.setObservationRegistry(observations.getIfUnique(() -> ObservationRegistry.NOOP));
			return caching;
		}

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean
		ConfigServerChangeFollower tenantChangeFollower(ConfigServerTenantRegistry registry,
				CachingTenantRegistry cache, TenancyRegistryProperties properties) {
			return new ConfigServerChangeFollower(registry.connection(), cache::invalidate, cache::invalidateAll,
					properties.configServer().pollInterval());
		}

	}

}
