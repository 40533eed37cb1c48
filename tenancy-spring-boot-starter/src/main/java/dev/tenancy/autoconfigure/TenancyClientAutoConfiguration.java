package dev.tenancy.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

import dev.tenancy.client.CallerBearerToken;
import dev.tenancy.client.ClientCredentialsToken;
import dev.tenancy.client.OutboundToken;
import dev.tenancy.client.TenantCredentialsInterceptor;

/**
 * Outbound credentials for {@code RestClient} and {@code RestTemplate} built from Boot's
 * builders: requests to the destinations in {@code tenancy.client.forward-to} get the
 * caller's bearer token (or the client-credentials token of
 * {@code tenancy.client.registration-id}), and no request leaves with a tenant header but
 * no credential ({@link TenantCredentialsInterceptor}).
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration")
@ConditionalOnClass(RestClientCustomizer.class)
@ConditionalOnBooleanProperty(name = "tenancy.client.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TenancyClientProperties.class)
public final class TenancyClientAutoConfiguration {

	private static final String RESOURCE_SERVER_TOKEN = "org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken";

	private static final String AUTHORIZED_CLIENT_MANAGER = "org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager";

	/** The tenant headers when the application has no tenancy.resolution settings. */
	private static final List<String> DEFAULT_TENANT_HEADERS = List.of("X-Client-ID", "X-Tenant-ID");

	@Bean
	@ConditionalOnMissingBean
	TenantCredentialsInterceptor tenantCredentialsInterceptor(TenancyClientProperties properties,
			ObjectProvider<TenancyProperties> tenancy, ObjectProvider<ClientCredentialsToken> clientCredentials) {
		List<OutboundToken> tokens = new ArrayList<>();
		if (properties.forwardCallerToken()
				&& ClassUtils.isPresent(RESOURCE_SERVER_TOKEN, TenancyClientAutoConfiguration.class.getClassLoader())) {
			tokens.add(new CallerBearerToken());
		}
		clientCredentials.ifAvailable(tokens::add);
		TenancyProperties settings = tenancy.getIfAvailable();
		List<String> headers = (settings != null) ? settings.resolution().header().names() : DEFAULT_TENANT_HEADERS;
		return new TenantCredentialsInterceptor(tokens, properties.forwardTo(), headers);
	}

	@Bean
	RestClientCustomizer tenancyRestClientCustomizer(TenantCredentialsInterceptor interceptor) {
		return interceptor::applyTo;
	}

	@Bean
	RestTemplateCustomizer tenancyRestTemplateCustomizer(TenantCredentialsInterceptor interceptor) {
		return interceptor::applyTo;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = AUTHORIZED_CLIENT_MANAGER)
	@org.springframework.boot.autoconfigure.condition.ConditionalOnProperty("tenancy.client.registration-id")
	static class ClientCredentialsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ClientCredentialsToken tenancyClientCredentialsToken(
				org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager manager,
				TenancyClientProperties properties) {
			return new ClientCredentialsToken(manager, properties.registrationId());
		}

	}

}
