package dev.tenancy.autoconfigure;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Security defaults applied by the starter's security filter chain. Issuer, audiences and
 * accepted algorithms of tokens are Spring Boot's {@code spring.security.oauth2.resourceserver.jwt.*}
 * properties.
 *
 * @param enabled whether the starter contributes its security filter chain (bearer JWT,
 * stateless, problem+json errors, headers); turn off when the application declares its own
 * catch-all chain
 * @param publicPaths path patterns reachable without a token
 * @param contentSecurityPolicy the {@code Content-Security-Policy} header value
 * @param hsts HTTP Strict Transport Security
 * @param jwt extra JWT checks
 */
@ConfigurationProperties("tenancy.security")
public record TenancySecurityProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue({ "/actuator/health", "/actuator/health/**", "/actuator/info", "/error" }) List<String> publicPaths,
		@DefaultValue("default-src 'none'; frame-ancestors 'none'") String contentSecurityPolicy,
		@DefaultValue Hsts hsts, @DefaultValue Jwt jwt) {

	/**
	 * HTTP Strict Transport Security, sent on HTTPS responses.
	 *
	 * @param enabled {@code true} or {@code false} to force; unset means on except when a
	 * {@code local} or {@code dev} profile is active
	 * @param maxAge the {@code max-age}
	 * @param includeSubdomains whether to add {@code includeSubDomains}
	 */
	public record Hsts(Boolean enabled, @DefaultValue("365d") Duration maxAge,
			@DefaultValue("true") boolean includeSubdomains) {

	}

	/**
	 * Extra JWT validation on top of Spring Boot's: an {@code exp} claim is required.
	 *
	 * @param clockSkew tolerated clock skew for {@code exp} and {@code nbf}, at most 60 seconds
	 */
	public record Jwt(@DefaultValue("60s") Duration clockSkew) {

		public Jwt {
			if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofSeconds(60)) > 0) {
				throw new IllegalArgumentException(
						"tenancy.security.jwt.clock-skew must be between 0 and 60 seconds, was " + clockSkew);
			}
		}

	}

}
