package dev.tenancy.autoconfigure;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ConditionalOnDefaultWebSecurity;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.RequestRejectedHandler;

import dev.tenancy.TenancyError;
import dev.tenancy.web.ProblemResponses;

/**
 * Security defaults: a stateless bearer-JWT filter chain whose errors are problem+json
 * (only when the application declares no chain of its own, like Spring Boot's default
 * chain), a JWT validator that requires {@code exp}, a Content-Security-Policy for APIs
 * and HSTS outside local development. Ordered before Spring Boot's servlet and management
 * security auto-configurations, so that when this chain exists theirs back off, as they
 * do for any application chain.
 */
@AutoConfiguration(before = { ServletWebSecurityAutoConfiguration.class, ManagementWebSecurityAutoConfiguration.class,
		OAuth2ResourceServerAutoConfiguration.class }, after = TenancyAdminAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ SecurityFilterChain.class, JwtDecoder.class })
@EnableConfigurationProperties({ TenancySecurityProperties.class, TenancyAdminProperties.class })
public final class TenancySecurityAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(TenancySecurityAutoConfiguration.class);

	/**
	 * Requires an {@code exp} claim and bounds clock skew. Spring Boot adds every
	 * {@code OAuth2TokenValidator<Jwt>} bean to the decoder it builds; applications that
	 * build their own decoder should add this bean to it.
	 * @param properties the security properties
	 * @return the validator
	 */
	@Bean
	@ConditionalOnMissingBean(name = "tenancyJwtValidator")
	OAuth2TokenValidator<Jwt> tenancyJwtValidator(TenancySecurityProperties properties) {
		JwtTimestampValidator validator = new JwtTimestampValidator(properties.jwt().clockSkew());
		validator.setAllowEmptyExpiryClaim(false);
		return validator;
	}

	/**
	 * Requests Spring Security's firewall rejects (encoded slashes, {@code ..},
	 * {@code ;}, double slashes) get the same problem+json shape as every other error,
	 * without echoing the path.
	 * @return the handler
	 */
	@Bean
	@ConditionalOnMissingBean(RequestRejectedHandler.class)
	RequestRejectedHandler tenancyRequestRejectedHandler() {
		return (request, response, ex) -> {
			logger.debug("Request rejected by the firewall: {}", ex.getMessage());
			ProblemResponses.write(response, TenancyError.INVALID_REQUEST);
		};
	}

	/**
	 * The starter's default chain, registered like Spring Boot's own: only when the
	 * application declares no {@code SecurityFilterChain}
	 * ({@link ConditionalOnDefaultWebSecurity}). An application with its own chain
	 * applies Tenancy to it with
	 * {@code http.with(TenancyHttpConfigurer.tenancy(), withDefaults())}; this chain is
	 * built with that same configurer.
	 */
	@Bean
	@ConditionalOnDefaultWebSecurity
	@ConditionalOnBooleanProperty(name = "tenancy.security.enabled", matchIfMissing = true)
	@ConditionalOnMissingBean(name = "tenancySecurityFilterChain")
	@Order(SecurityFilterProperties.BASIC_AUTH_ORDER)
	SecurityFilterChain tenancySecurityFilterChain(HttpSecurity http, TenancySecurityProperties properties,
			ObjectProvider<JwtDecoder> jwtDecoder) throws Exception {
		String[] open = properties.publicPaths().toArray(String[]::new);
		http.csrf((csrf) -> csrf.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.authorizeHttpRequests(
					(authorize) -> authorize.requestMatchers(open).permitAll().anyRequest().authenticated())
			.with(TenancyHttpConfigurer.tenancy(), Customizer.withDefaults());
		if (jwtDecoder.getIfAvailable() == null) {
			logger.warn("No JwtDecoder is configured (set spring.security.oauth2.resourceserver.jwt.issuer-uri): "
					+ "every request outside tenancy.security.public-paths will be refused with 401");
		}
		return http.build();
	}

	static boolean hstsEnabled(TenancySecurityProperties.Hsts hsts, Environment environment) {
		return TenancyHttpConfigurer.hstsEnabled(hsts, environment);
	}

}
