package dev.tenancy.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Security defaults applied by the starter's security filter chain. Issuer, audiences and
 * accepted algorithms of tokens are Spring Boot's
 * {@code spring.security.oauth2.resourceserver.jwt.*} properties.
 *
 * @param enabled Whether the starter contributes its default security filter chain
 * (bearer JWT, stateless, problem+json errors, headers); it backs off by itself when the
 * application declares any SecurityFilterChain, which then applies Tenancy with
 * http.with(TenancyHttpConfigurer.tenancy(), withDefaults()).
 * @param publicPaths Path patterns reachable without a token.
 * @param contentSecurityPolicy The Content-Security-Policy header value.
 * @param hsts HTTP Strict Transport Security.
 * @param jwt Extra JWT checks, and how the identity provider's keys are fetched.
 * @param resourceBaseUrl The public base URL of this API (such as
 * https://api.example.com), published as the resource of the OAuth 2.0 protected resource
 * metadata (/.well-known/oauth-protected-resource) and named in the resource_metadata of
 * 401 challenges; unset, neither is published (the URL is never built from the request's
 * Host header).
 */
@ConfigurationProperties("tenancy.security")
public record TenancySecurityProperties(@DefaultValue("true") boolean enabled, @DefaultValue( {
		"/actuator/health", "/actuator/health/**", "/actuator/info", "/error" }) List<String> publicPaths,
		@DefaultValue("default-src 'none'; frame-ancestors 'none'") String contentSecurityPolicy,
		@DefaultValue Hsts hsts, @DefaultValue Jwt jwt, URI resourceBaseUrl){

	public TenancySecurityProperties {
		if (resourceBaseUrl != null && (!resourceBaseUrl.isAbsolute() || resourceBaseUrl.getHost() == null
				|| !("https".equals(resourceBaseUrl.getScheme()) || "http".equals(resourceBaseUrl.getScheme()))
				|| resourceBaseUrl.getRawQuery() != null || resourceBaseUrl.getRawFragment() != null
				|| resourceBaseUrl.getRawUserInfo() != null)) {
			throw new IllegalArgumentException(
					"tenancy.security.resource-base-url must be an absolute http(s) URL without user, query or fragment");
		}
	}

	/**
	 * The resource identifier: {@link #resourceBaseUrl()} without a trailing slash.
	 * @return the identifier, or {@code null} when no base URL is configured
	 */
	public String resourceIdentifier() {
		if (this.resourceBaseUrl == null) {
			return null;
		}
		String text = this.resourceBaseUrl.toString();
		return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
	}

	/**
	 * HTTP Strict Transport Security, sent on HTTPS responses.
	 *
	 * @param enabled Whether to send the Strict-Transport-Security header; unset means on
	 * except when a local or dev profile is active.
	 * @param maxAge How long browsers keep to HTTPS (the header's max-age).
	 * @param includeSubdomains Whether the policy covers subdomains too (the header's
	 * includeSubDomains).
	 */
	public record Hsts(Boolean enabled, @DefaultValue("365d") Duration maxAge,
			@DefaultValue("true") boolean includeSubdomains) {

	}

	/**
	 * Extra JWT validation on top of Spring Boot's, and the fetching of the identity
	 * provider's keys. The {@code jwks-*} settings apply to the decoder the starter
	 * builds when {@code spring.security.oauth2.resourceserver.jwt.jwk-set-uri} or
	 * {@code issuer-uri} is set and the application declares no {@code JwtDecoder}.
	 *
	 * @param clockSkew Tolerated clock skew for exp and nbf, at most 60 seconds.
	 * @param acceptedTypes Accepted values of the token's typ header (compared ignoring
	 * case); a token without typ is always accepted. The default accepts plain JWTs and
	 * RFC 9068 access tokens (at+jwt).
	 * @param jwksRefetchInterval Shortest time between two fetches of the JWK set: a
	 * token whose key id is unknown within this time of the last fetch is refused (401)
	 * without a fetch.
	 * @param jwksCacheTtl How long fetched keys are used before they are fetched again
	 * (in the background).
	 * @param jwksOutageTolerance How long keys are still used after jwks-cache-ttl while
	 * the JWK set cannot be fetched.
	 * @param jwksConnectTimeout Longest wait for a connection to the identity provider.
	 * @param jwksReadTimeout Longest wait for the identity provider's whole answer once
	 * connected.
	 */
	public record Jwt(@DefaultValue("60s") Duration clockSkew, @DefaultValue( {
			"JWT", "at+jwt", "application/at+jwt" }) List<String> acceptedTypes,
			@DefaultValue("30s") Duration jwksRefetchInterval, @DefaultValue("5m") Duration jwksCacheTtl,
			@DefaultValue("1h") Duration jwksOutageTolerance, @DefaultValue("1s") Duration jwksConnectTimeout,
			@DefaultValue("2s") Duration jwksReadTimeout){

		public Jwt {
			if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofSeconds(60)) > 0) {
				throw new IllegalArgumentException(
						"tenancy.security.jwt.clock-skew must be between 0 and 60 seconds, was " + clockSkew);
			}
			if (acceptedTypes.isEmpty()) {
				throw new IllegalArgumentException("tenancy.security.jwt.accepted-types must not be empty");
			}
		}

	}

}
