package dev.tenancy.configserver.security;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;

import com.github.benmanes.caffeine.cache.Ticker;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import jakarta.servlet.DispatcherType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.autoconfigure.TenancyFailedAttemptsAutoConfiguration;
import dev.tenancy.autoconfigure.TenancyHttpConfigurer;
import dev.tenancy.configserver.ConfigServerProperties;
import dev.tenancy.ratelimit.FailedAttemptThrottle;
import dev.tenancy.ratelimit.RateLimiter;
import dev.tenancy.security.IdentityProviderKeys;
import dev.tenancy.security.JwkSetPolicy;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;

import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Web security of the config server.
 *
 * <ul>
 * <li>Who: a service authenticates with an OAuth 2.0 access token from the platform's
 * issuer ({@code Authorization: Bearer}, when
 * {@code tenancy.config-server.token.issuer-uri} is set or the local issuer is on;
 * {@link ServiceTokenDecoder}, {@link ServiceTokenAuthenticationConverter}) or with HTTP
 * basic as one of the configured clients ({@link RememberingBasicAuthenticationProvider}:
 * the password hash is checked once per credential per period, wrong credentials are
 * throttled).</li>
 * <li>Config paths: only the caller's own application
 * ({@link ConfigPathAuthorizationManager}, {@link ServiceAuthorities}); another service's
 * name, comma lists, encoded traversal and names outside the allowed syntax are 403 (or
 * 400 from the firewall).</li>
 * <li>{@code /encrypt}, {@code /decrypt}, {@code /key}: closed to every client.</li>
 * <li>{@code /tenants/**}: the tenant API, for callers holding
 * {@link ServiceAuthorities#TENANT_API} (basic clients unless {@code tenant-api=false};
 * tokens with the scope {@code tenants:read}).</li>
 * <li>{@code /admin/tenants/**} ({@code tenancy.admin.paths}): the starter's admin rule,
 * applied with {@code http.with(tenancy(), ...)} ahead of the rules below, as in every
 * app on the starter: the bootstrap {@code X-Admin-Token}; 401 problem+json without it,
 * 403 when it is wrong (or for a config client's credentials), 503
 * {@code admin_not_configured} when no token is set, wrong tokens throttled. Other
 * {@code /admin/**} paths are closed, so they can never be read as an application
 * "admin".</li>
 * <li>Actuator lives on the management port ({@code management.server.port}); there
 * {@code /actuator/health} (with components and details, for operators) and its probes
 * are open, {@code info} needs a client, the rest is closed. {@code /actuator/**} on the
 * server port is closed too, so it can never be served as the configuration of an
 * application called "actuator".</li>
 * <li>Other parts of the server add narrow rules of their own with
 * {@link ConfigServerAuthorizationRules} beans.</li>
 * </ul>
 * Stateless, no CSRF (a machine API), 401 with {@code WWW-Authenticate: Basic} when no
 * credential is sent, 401 problem+json with {@code WWW-Authenticate: Bearer
 * error="invalid_token"} for a token that fails verification, 429 {@code rate_limited}
 * for throttled basic callers, {@code Content-Security-Policy: default-src 'none'} on
 * every answer. Error answers are the starter's problem+json ({@code tenancy.errors.*}).
 */
@Configuration(proxyBeanMethods = false)
public class ConfigServerSecurityConfiguration {

	/** The realm sent in {@code WWW-Authenticate}. */
	public static final String REALM = "config-server";

	/** The {@code Content-Security-Policy} of every answer. */
	public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

	/** The scope of the basic-credential throttle's buckets in keys. */
	static final String THROTTLE_SCOPE = "configbasic";

	private static final Logger LOG = LoggerFactory.getLogger(ConfigServerSecurityConfiguration.class);

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

	@Bean
	ConfigClientUserDetailsService configClientUserDetailsService(ConfigServerProperties properties) {
		ConfigClientUserDetailsService clients = new ConfigClientUserDetailsService(properties);
		LOG.info("Config server accepts {} client(s): {}", clients.clientNames().size(),
				new TreeSet<>(clients.clientNames()));
		for (String name : new TreeSet<>(clients.clientNames())) {
			if (!ConfigPathAuthorizationManager.APPLICATION_NAME.matcher(name).matches()) {
				LOG.warn("Client '{}' cannot read any configuration: only names matching [a-z0-9][a-z0-9-]{0,62} "
						+ "are readable applications", name);
			}
			if (clients.isPlaintext(name)) {
				LOG.warn("Client '{}' has a {noop} (plaintext) password; use that for local development only", name);
			}
		}
		return clients;
	}

	/**
	 * Throttles wrong basic credentials per client name and source address
	 * ({@code tenancy.config-server.failed-attempts.*}), counted by the starter's
	 * failed-attempt limiter.
	 */
	@Bean
	FailedAttemptThrottle configClientThrottle(
			@Qualifier(TenancyFailedAttemptsAutoConfiguration.LIMITER_BEAN) RateLimiter limiter,
			ConfigServerProperties properties) {
		ConfigServerProperties.FailedAttempts limits = properties.failedAttempts();
		return new FailedAttemptThrottle(limiter, THROTTLE_SCOPE, new FailedAttemptThrottle.Settings(
				limits.perAddress(), limits.perClient(), limits.window(), Duration.ofSeconds(1)));
	}

	@Bean
	RememberingBasicAuthenticationProvider rememberingBasicAuthenticationProvider(
			ConfigClientUserDetailsService clients, PasswordEncoder passwordEncoder,
			@Qualifier("configClientThrottle") FailedAttemptThrottle throttle, ConfigServerProperties properties) {
		DaoAuthenticationProvider verifying = new DaoAuthenticationProvider(clients);
		verifying.setPasswordEncoder(passwordEncoder);
		ConfigServerProperties.BasicCache cache = properties.basicCache();
		return new RememberingBasicAuthenticationProvider(verifying, throttle, cache.timeToLive(), cache.maximumSize(),
				properties.failedAttempts().window(), Ticker.systemTicker());
	}

	@Bean
	ClientsRefresher configClientsRefresher(Environment environment, ConfigClientUserDetailsService clients,
			RememberingBasicAuthenticationProvider remembered) {
		return new ClientsRefresher(environment, clients, remembered);
	}

	/**
	 * The verifier of service tokens, when token authentication is on: the keys of
	 * {@code token.issuer-uri} (from {@code token.jwk-set-uri}, else the issuer's
	 * discovery document), cached by {@link IdentityProviderKeys}; or, with only the
	 * local issuer on, the local issuer's key in this process.
	 */
	@Bean
	@Conditional(ServiceTokensCondition.class)
	ServiceTokenDecoder serviceTokenDecoder(ConfigServerProperties properties,
			@Qualifier(LocalIssuerConfiguration.JWK_SOURCE_BEAN) ObjectProvider<JWKSource<SecurityContext>> localKeys) {
		ConfigServerProperties.Token token = properties.token();
		if (token.enabled()) {
			URI issuer = token.issuerUri();
			IdentityProviderKeys keys = (token.jwkSetUri() != null)
					? IdentityProviderKeys.fromJwkSetUri(token.jwkSetUri(), JwkSetPolicy.defaults())
					: IdentityProviderKeys.fromIssuer(issuer, JwkSetPolicy.defaults());
			LOG.info("Config server accepts access tokens of issuer {} for audience '{}'", issuer, token.audience());
			return new ServiceTokenDecoder(keys, issuer.toString(), token);
		}
		JWKSource<SecurityContext> keys = localKeys.getIfAvailable();
		if (keys == null) {
			throw new IllegalStateException("The local issuer is enabled but has no key");
		}
		String issuer = properties.localIssuer().issuer().toString();
		LOG.info("Config server accepts access tokens of its local issuer {} for audience '{}'", issuer,
				token.audience());
		return new ServiceTokenDecoder(keys, issuer, token);
	}

	@Bean
	SecurityFilterChain configServerSecurityFilterChain(HttpSecurity http,
			RememberingBasicAuthenticationProvider basicProvider, ObjectProvider<JwtDecoder> tokens,
			ObjectProvider<ConfigServerAuthorizationRules> extraRules) throws Exception {
		BasicAuthenticationAnswers entryPoint = new BasicAuthenticationAnswers(REALM);
		// Only this provider: a wrong credential must not be tried again by a parent
		// manager (which would hash it again and escape the throttle).
		AuthenticationManager basicManager = new ProviderManager(List.of(basicProvider));
		List<ConfigServerAuthorizationRules> rules = extraRules.orderedStream().toList();
		http.authorizeHttpRequests((requests) -> {
			requests.dispatcherTypeMatchers(DispatcherType.ERROR)
				.permitAll()
				.requestMatchers(EndpointRequest.to("health"))
				.permitAll();
			rules.forEach((rule) -> rule.configure(requests));
			requests.requestMatchers(EndpointRequest.to("info"))
				.authenticated()
				.requestMatchers(EndpointRequest.toAnyEndpoint())
				.denyAll()
				.requestMatchers("/actuator", "/actuator/**")
				.denyAll()
				.requestMatchers("/encrypt", "/encrypt/**", "/decrypt", "/decrypt/**", "/key", "/key/**")
				.denyAll()
				.requestMatchers(HttpMethod.GET, "/tenants/*", "/tenants/changes/latest", "/tenants/by-email-domain/*")
				.hasAuthority(ServiceAuthorities.TENANT_API)
				.requestMatchers("/tenants", "/tenants/**")
				.denyAll()
				.requestMatchers("/admin", "/admin/**")
				.denyAll()
				.requestMatchers(HttpMethod.GET, "/**")
				.access(new ConfigPathAuthorizationManager())
				.anyRequest()
				.denyAll();
		})
			.authenticationManager(basicManager)
			.httpBasic((basic) -> basic.realmName(REALM).authenticationEntryPoint(entryPoint))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(entryPoint))
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			// A machine API: nothing it serves may load resources or be framed.
			.headers((headers) -> headers.contentSecurityPolicy((csp) -> csp.policyDirectives(CONTENT_SECURITY_POLICY)))
			.csrf(AbstractHttpConfigurer::disable)
			.requestCache(AbstractHttpConfigurer::disable)
			.logout(AbstractHttpConfigurer::disable);
		JwtDecoder decoder = tokens.getIfAvailable();
		if (decoder != null) {
			// Bearer tokens; the starter's configurer (below) adds its problem+json 401
			// (invalid_token) and 403 answers and its token resolver.
			JwtAuthenticationProvider verifying = new JwtAuthenticationProvider(decoder);
			verifying.setJwtAuthenticationConverter(new ServiceTokenAuthenticationConverter());
			// Its own manager: the chain's manager is the basic one.
			AuthenticationManager tokenManager = new ProviderManager(List.of(verifying));
			http.oauth2ResourceServer(
					(resourceServer) -> resourceServer.jwt((jwt) -> jwt.authenticationManager(tokenManager)));
		}
		// Admin rule, admin token and admin answers; the CSP above is the same as the
		// starter's.
		http.with(TenancyHttpConfigurer.tenancy(), Customizer.withDefaults());
		return http.build();
	}

	/** Token authentication is on: an issuer is configured, or the local issuer is. */
	static final class ServiceTokensCondition extends AnyNestedCondition {

		ServiceTokensCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(prefix = ConfigServerProperties.PREFIX + ".token", name = "issuer-uri")
		static final class IssuerConfigured {

		}

		@ConditionalOnBooleanProperty(ConfigServerProperties.PREFIX + ".local-issuer.enabled")
		static final class LocalIssuerEnabled {

		}

	}

}
