package dev.tenancy.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The service's own access token for the config server, under
 * {@code tenancy.registry.config-server.token}: with {@code token-uri} set, the tenant
 * API client authenticates with an OAuth 2.0 client-credentials token from that issuer
 * (renewed before it expires, requested again after a 401) instead of HTTP basic. Needs
 * {@code spring-security-oauth2-client} on the class path.
 *
 * @param tokenUri The issuer's token endpoint; setting it turns token authentication on
 * (and HTTP basic off) for the tenant API client.
 * @param clientId The client id at the issuer.
 * @param clientSecret The client secret at the issuer (never logged).
 * @param scopes The scopes to ask for, such as config:<application> and tenants:read.
 * @param renewBefore How long before its expiry a token is renewed.
 */
@ConfigurationProperties("tenancy.registry.config-server.token")
public record TenancyConfigServerTokenProperties(URI tokenUri, String clientId, String clientSecret,
		List<String> scopes, @DefaultValue("60s") Duration renewBefore) {

	/** Whether a token endpoint is configured. */
	public boolean enabled() {
		return this.tokenUri != null && !this.tokenUri.toString().isBlank();
	}

	/** Never shows the secret. */
	@Override
	public String toString() {
		return "TenancyConfigServerTokenProperties[tokenUri=" + this.tokenUri + ", clientId=" + this.clientId
				+ ", clientSecret=" + ((this.clientSecret != null) ? "******" : null) + ", scopes=" + this.scopes
				+ ", renewBefore=" + this.renewBefore + "]";
	}

}
