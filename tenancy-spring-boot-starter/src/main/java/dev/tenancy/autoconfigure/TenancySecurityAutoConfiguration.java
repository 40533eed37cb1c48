package dev.tenancy.autoconfigure;

import java.util.Arrays;
import java.util.List;

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
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.logout.LogoutFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;

import dev.tenancy.TenancyError;
import dev.tenancy.web.ProblemAccessDeniedHandler;
import dev.tenancy.web.ProblemAuthenticationEntryPoint;
import dev.tenancy.web.ProblemResponses;
import dev.tenancy.web.PublicPathBearerTokenResolver;
import dev.tenancy.web.UnpublishedResourceMetadataFilter;

/**
 * Security defaults: a stateless bearer-JWT filter chain whose errors are problem+json, a JWT
 * validator that requires {@code exp}, a Content-Security-Policy for APIs and HSTS outside local
 * development.
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
	 * {@code OAuth2TokenValidator<Jwt>} bean to the decoder it builds; applications that build
	 * their own decoder should add this bean to it.
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
	 * Requests Spring Security's firewall rejects (encoded slashes, {@code ..}, {@code ;}, double
	 * slashes) get the same problem+json shape as every other error, without echoing the path.
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

	@Bean
	@ConditionalOnBooleanProperty(name = "tenancy.security.enabled", matchIfMissing = true)
	@ConditionalOnMissingBean(name = "tenancySecurityFilterChain")
	@Order(SecurityFilterProperties.BASIC_AUTH_ORDER)
	SecurityFilterChain tenancySecurityFilterChain(HttpSecurity http, TenancySecurityProperties properties,
			TenancyAdminProperties adminProperties, ObjectProvider<JwtDecoder> jwtDecoder, Environment environment)
			throws Exception {
		String resource = properties.resourceIdentifier();
		ProblemAuthenticationEntryPoint entryPoint = new ProblemAuthenticationEntryPoint(
				(resource != null) ? resource + UnpublishedResourceMetadataFilter.METADATA_PATH : null);
		ProblemAccessDeniedHandler accessDenied = new ProblemAccessDeniedHandler();
		String[] open = concat(properties.publicPaths(), adminProperties.guardedPaths());
		http.csrf((csrf) -> csrf.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.authorizeHttpRequests((authorize) -> authorize.requestMatchers(open).permitAll().anyRequest().authenticated())
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(entryPoint)
				.accessDeniedHandler(accessDenied))
			.headers((headers) -> {
				headers.contentSecurityPolicy((csp) -> csp.policyDirectives(properties.contentSecurityPolicy()));
				if (hstsEnabled(properties.hsts(), environment)) {
					headers.httpStrictTransportSecurity((hsts) -> hsts
						.maxAgeInSeconds(properties.hsts().maxAge().toSeconds())
						.includeSubDomains(properties.hsts().includeSubdomains()));
				}
				else {
					headers.httpStrictTransportSecurity((hsts) -> hsts.disable());
				}
			});
		if (jwtDecoder.getIfAvailable() != null) {
			// Public paths ignore bearer tokens, so a health check never waits for the identity provider.
			http.oauth2ResourceServer((resourceServer) -> resourceServer.jwt((jwt) -> {
			})
				.authenticationEntryPoint(entryPoint)
				.accessDeniedHandler(accessDenied)
				.bearerTokenResolver(new PublicPathBearerTokenResolver(properties.publicPaths())));
			if (resource != null) {
				http.oauth2ResourceServer((resourceServer) -> resourceServer.protectedResourceMetadata(
						(metadata) -> metadata.protectedResourceMetadataCustomizer((builder) -> builder.resource(resource))));
			}
			else {
				// Spring Security would build the metadata from the Host header: publish none.
				http.addFilterBefore(new UnpublishedResourceMetadataFilter(), LogoutFilter.class);
			}
		}
		else {
			logger.warn("No JwtDecoder is configured (set spring.security.oauth2.resourceserver.jwt.issuer-uri): "
					+ "every request outside tenancy.security.public-paths will be refused with 401");
		}
		return http.build();
	}

	static boolean hstsEnabled(TenancySecurityProperties.Hsts hsts, Environment environment) {
		if (hsts.enabled() != null) {
			return hsts.enabled();
		}
		return !environment.acceptsProfiles(Profiles.of("local", "dev"));
	}

	private static String[] concat(List<String> first, List<String> second) {
		String[] all = Arrays.copyOf(first.toArray(String[]::new), first.size() + second.size());
		for (int i = 0; i < second.size(); i++) {
			all[first.size() + i] = second.get(i);
		}
		return all;
	}

}
