package dev.tenancy.sample.config;

import java.time.Duration;

import io.micrometer.observation.ObservationRegistry;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.tenancy.autoconfigure.TenancyConfigServerTokenProperties;
import dev.tenancy.client.ServiceTokens;

import org.springframework.boot.bootstrap.BootstrapRegistry;
import org.springframework.boot.bootstrap.BootstrapRegistryInitializer;
import org.springframework.cloud.config.client.ConfigClientProperties;
import org.springframework.cloud.config.client.ConfigClientRequestTemplateFactory;
import org.springframework.cloud.config.client.ConfigServerConfigDataLocationResolver;
import org.springframework.http.HttpHeaders;
import org.springframework.web.client.RestTemplate;

/**
 * The Spring Cloud Config client's token path: when
 * {@code tenancy.registry.config-server.token.token-uri} is set, the configuration is
 * fetched (at start-up, and again on every refresh) with the service's OAuth 2.0
 * client-credentials access token instead of HTTP basic, the same token settings the
 * tenant API client uses.
 * <p>
 * The configuration is read while the application starts, before its context exists, so
 * this runs in Spring Boot's bootstrap context: it registers the Config client's
 * {@link ConfigClientRequestTemplateFactory} (which Spring Cloud Config registers only if
 * absent), whose {@link RestTemplate} carries an interceptor that puts the token on every
 * request ({@link ServiceTokens}: fetched on first use, renewed before it expires,
 * requested again once after a 401), and sends no basic credentials. Without a token URI
 * the Config client is as Spring Cloud Config makes it.
 * <p>
 * Either way its {@code RestTemplate} is observed with the application's
 * {@link ObservationRegistry} once the application runs
 * ({@link ApplicationObservationRegistry}): a fetch on refresh is a client span of the
 * current trace and carries its {@code traceparent} to the config server. The fetch at
 * start-up happens before any tracer exists and is not traced.
 */
public class ConfigServerTokenBootstrapper implements BootstrapRegistryInitializer {

	static final String PREFIX = "tenancy.registry.config-server.token";

	@Override
	public void initialize(BootstrapRegistry registry) {
		ApplicationObservationRegistry observations = new ApplicationObservationRegistry();
		registry.addCloseListener((closed) -> observations.use(closed.getApplicationContext()));
		registry.register(ConfigClientRequestTemplateFactory.class, (context) -> {
			ConfigClientProperties client = context.get(ConfigClientProperties.class);
			Log log = LogFactory.getLog(ConfigServerConfigDataLocationResolver.class);
			TenancyConfigServerTokenProperties token = null;
			if (context.isRegistered(ConfigServerConfigDataLocationResolver.PropertyResolver.class)) {
				token = context.get(ConfigServerConfigDataLocationResolver.PropertyResolver.class)
					.resolveConfigurationProperties(PREFIX, TenancyConfigServerTokenProperties.class, () -> null);
			}
			if (token == null || !token.enabled()) {
				return new ObservedRequestTemplateFactory(log, client, observations);
			}
			ServiceTokens tokens = new ServiceTokens(
					new ServiceTokens.Settings(token.tokenUri(), token.clientId(), token.clientSecret(), token.scopes(),
							token.renewBefore(), Duration.ofMillis(client.getRequestConnectTimeout()),
							Duration.ofMillis(client.getRequestReadTimeout())));
			return new TokenRequestTemplateFactory(log, client, observations, tokens);
		});
	}

	/**
	 * The Config client's request factory as Spring Cloud Config makes it, observed: once
	 * the application runs, each fetch (on refresh) joins the current trace.
	 */
	static class ObservedRequestTemplateFactory extends ConfigClientRequestTemplateFactory {

		private final ObservationRegistry observations;

		ObservedRequestTemplateFactory(Log log, ConfigClientProperties properties, ObservationRegistry observations) {
			super(log, properties);
			this.observations = observations;
		}

		@Override
		public RestTemplate create() {
			RestTemplate template = super.create();
			template.setObservationRegistry(this.observations);
			return template;
		}

	}

	/** The Config client's request factory, with the service token. */
	static final class TokenRequestTemplateFactory extends ObservedRequestTemplateFactory {

		private final ServiceTokens tokens;

		TokenRequestTemplateFactory(Log log, ConfigClientProperties properties, ObservationRegistry observations,
				ServiceTokens tokens) {
			super(log, properties, observations);
			this.tokens = tokens;
		}

		@Override
		public RestTemplate create() {
			RestTemplate template = super.create();
			template.getInterceptors().add(this.tokens.interceptor());
			return template;
		}

		/** No basic credentials: the interceptor sends the token. */
		@Override
		public void addAuthorizationToken(HttpHeaders httpHeaders, String username, String password) {
		}

	}

}
