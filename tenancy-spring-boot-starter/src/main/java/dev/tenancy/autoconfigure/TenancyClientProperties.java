package dev.tenancy.autoconfigure;

import java.net.URI;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Outbound HTTP credentials for RestClient and RestTemplate built from Boot's builders.
 *
 * @param enabled Whether Boot's RestClient and RestTemplate builders get the credentials
 * interceptor: tokens for trusted destinations, and no tenant header without a
 * credential.
 * @param forwardTo Trusted destinations, as URI prefixes (scheme, host, port and path
 * prefix all count), such as https://billing.internal/api/: only requests under them get
 * a bearer token. Empty: no request gets one.
 * @param forwardCallerToken Whether a request made while handling a bearer-authenticated
 * request forwards the caller's own token (first choice).
 * @param registrationId Spring Security OAuth 2.0 client registration whose
 * client-credentials token is sent when there is no caller token (scheduled jobs,
 * listeners); needs an OAuth2AuthorizedClientManager bean.
 */
@ConfigurationProperties("tenancy.client")
public record TenancyClientProperties(@DefaultValue("true") boolean enabled, List<URI> forwardTo,
		@DefaultValue("true") boolean forwardCallerToken, String registrationId) {

	public TenancyClientProperties {
		forwardTo = (forwardTo != null) ? List.copyOf(forwardTo) : List.of();
	}

}
