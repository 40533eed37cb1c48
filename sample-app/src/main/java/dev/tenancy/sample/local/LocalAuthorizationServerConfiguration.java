package dev.tenancy.sample.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2ClientCredentialsAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.authentication.preauth.AbstractPreAuthenticatedProcessingFilter;

import dev.tenancy.autoconfigure.TenancyFailedAttemptsAutoConfiguration;
import dev.tenancy.autoconfigure.TenancySecurityProperties;
import dev.tenancy.autoconfigure.TenancyHttpConfigurer;
import dev.tenancy.ratelimit.FailedAttemptThrottle;
import dev.tenancy.ratelimit.RateLimiter;

/**
 * The {@code local} profile's own OAuth2 authorization server, so the sample runs without
 * an external identity provider. It issues client-credentials JWTs at
 * {@code POST /oauth2/token} (client_secret_basic or client_secret_post) to four demo
 * clients:
 * <ul>
 * <li>{@code acme-client}/{@code acme-secret}: claim {@code tenant_id: acme}</li>
 * <li>{@code globex-client}/{@code globex-secret}: {@code tenant_id: globex}</li>
 * <li>{@code initech-client}/{@code initech-secret}: {@code tenant_id: initech} (a
 * suspended tenant)</li>
 * <li>{@code ops-client}/{@code ops-secret}: scope {@code tenancy.admin}, no tenant</li>
 * </ul>
 * Tokens are signed with an RSA key kept in a local file
 * ({@code sample.local-signing-key-file}, by default
 * {@code ~/.tenancy-sample/local-signing-key.json}, created on first start), so they
 * survive a restart and every local instance on the machine accepts them, and carry the
 * fixed issuer {@code sample.local-issuer}, whatever port the app listens on. The app's
 * resource server accepts exactly these tokens: RS256 only, this issuer, an {@code exp}
 * claim required.
 * <p>
 * Wrong client credentials are throttled per client id and per source address
 * ({@link TokenEndpointThrottle}): 429 {@code rate_limited} once either has failed too
 * often in the window, for every attempt, the right secret included, until the window
 * passes.
 * <p>
 * Because this configuration declares a security filter chain, the starter's default
 * chain backs off (like Spring Boot's); {@link #localApplicationFilterChain} replaces it
 * for the API.
 * <p>
 * None of this exists outside the {@code local} profile: no client, no secret, no signing
 * key (nor its file), no {@code /oauth2/**} endpoint. There the app validates tokens of
 * the issuer named by {@code spring.security.oauth2.resourceserver.jwt.issuer-uri}. Nor
 * does it exist when the app does not serve HTTP (the {@code import-tenants} command).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TokenEndpointThrottle.Properties.class)
@Profile("local")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class LocalAuthorizationServerConfiguration {

	/** Claim that carries the tenant, as the starter reads it by default. */
	static final String TENANT_CLAIM = "tenant_id";

	/** Scope that the starter's admin guard accepts. */
	static final String ADMIN_SCOPE = "tenancy.admin";

	/** Demo clients and the tenant each one's tokens are issued for. */
	static final Map<String, String> TENANT_BY_CLIENT = Map.of("acme-client", "acme", "globex-client", "globex",
			"initech-client", "initech");

	private static final Duration ACCESS_TOKEN_TTL = Duration.ofMinutes(15);

	/**
	 * The authorization server's endpoints ({@code /oauth2/token}, {@code /oauth2/jwks},
	 * {@code /.well-known/oauth-authorization-server}, ...), ahead of
	 * {@link #localApplicationFilterChain} for everything else.
	 * @param http the security builder
	 * @return the filter chain
	 * @throws Exception if the chain cannot be built
	 */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	SecurityFilterChain localAuthorizationServerFilterChain(HttpSecurity http, TokenEndpointThrottle throttle)
			throws Exception {
		http.oauth2AuthorizationServer((authorizationServer) -> {
			http.securityMatcher(authorizationServer.getEndpointsMatcher());
			authorizationServer.tokenEndpoint(
					(tokenEndpoint) -> tokenEndpoint.accessTokenRequestConverter(new DefaultScopesConverter()));
			authorizationServer.clientAuthentication(
					(clientAuthentication) -> clientAuthentication.errorResponseHandler(throttle.failureHandler()));
		})
			// Before the client authentication filter, which runs after this one.
			.addFilterBefore(throttle.filter(), AbstractPreAuthenticatedProcessingFilter.class)
			.authorizeHttpRequests((authorize) -> authorize.anyRequest().authenticated())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.headers((headers) -> headers
				.contentSecurityPolicy((csp) -> csp.policyDirectives("default-src 'none'; frame-ancestors 'none'"))
				.httpStrictTransportSecurity((hsts) -> hsts.disable()));
		return http.build();
	}

	/**
	 * Throttles wrong client credentials per client id and per source address
	 * ({@code sample.oauth2.failed-attempts.*}), counted by the starter's failed-attempt
	 * limiter.
	 * @param limiter the starter's limiter of failed credential attempts
	 * @param properties the limits
	 * @return the throttle
	 */
	@Bean
	TokenEndpointThrottle tokenEndpointThrottle(
			@Qualifier(TenancyFailedAttemptsAutoConfiguration.LIMITER_BEAN) RateLimiter limiter,
			TokenEndpointThrottle.Properties properties) {
		return new TokenEndpointThrottle(
				new FailedAttemptThrottle(limiter, TokenEndpointThrottle.SCOPE, properties.settings()));
	}

	@Bean
	RegisteredClientRepository registeredClientRepository() {
		return new InMemoryRegisteredClientRepository(client("acme-client", "acme-secret", Set.of()),
				client("globex-client", "globex-secret", Set.of()),
				client("initech-client", "initech-secret", Set.of()),
				client("ops-client", "ops-secret", Set.of(ADMIN_SCOPE)));
	}

	private static RegisteredClient client(String clientId, String secret, Set<String> scopes) {
		return RegisteredClient.withId(clientId)
			.clientId(clientId)
			// Local demo only: the secrets are public knowledge, hashing them would
			// protect nothing.
			.clientSecret("{noop}" + secret)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.scopes((all) -> all.addAll(scopes))
			.tokenSettings(TokenSettings.builder()
				.accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
				.accessTokenTimeToLive(ACCESS_TOKEN_TTL)
				.build())
			.build();
	}

	@Bean
	AuthorizationServerSettings authorizationServerSettings(@Value("${sample.local-issuer}") String issuer) {
		return AuthorizationServerSettings.builder().issuer(issuer).build();
	}

	/**
	 * The signing key, kept in {@code sample.local-signing-key-file} (created on first
	 * start), so local tokens survive a restart and every local instance accepts them.
	 * @param keyFile the key file
	 * @return the key source
	 */
	@Bean
	JWKSource<SecurityContext> jwkSource(@Value("${sample.local-signing-key-file}") Path keyFile) {
		return new ImmutableJWKSet<>(new JWKSet(LocalSigningKey.loadOrCreate(keyFile)));
	}

	/**
	 * Everything else: the API, as the starter's default chain would protect it (which
	 * backs off because the chain above exists, as Spring Boot's own default chain does):
	 * stateless bearer JWTs, the public paths open, Tenancy applied with its configurer.
	 * @param http the security builder
	 * @param security the starter's security properties
	 * @return the filter chain
	 * @throws Exception if the chain cannot be built
	 */
	@Bean
	@Order(SecurityFilterProperties.BASIC_AUTH_ORDER)
	SecurityFilterChain localApplicationFilterChain(HttpSecurity http, TenancySecurityProperties security)
			throws Exception {
		http.csrf((csrf) -> csrf.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.authorizeHttpRequests(
					(authorize) -> authorize.requestMatchers(security.publicPaths().toArray(String[]::new))
						.permitAll()
						.anyRequest()
						.authenticated())
			.with(TenancyHttpConfigurer.tenancy(), Customizer.withDefaults());
		return http.build();
	}

	/**
	 * Adds the client's tenant to its access tokens.
	 * @return the customizer
	 */
	@Bean
	OAuth2TokenCustomizer<JwtEncodingContext> tenantClaimCustomizer() {
		return (context) -> {
			if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
				return;
			}
			String tenant = TENANT_BY_CLIENT.get(context.getRegisteredClient().getClientId());
			if (tenant != null) {
				context.getClaims().claim(TENANT_CLAIM, tenant);
			}
		};
	}

	/**
	 * Decodes the tokens issued above, and only those: RS256 with the local key, the
	 * local issuer, Spring Security's default checks, and the starter's validator that
	 * requires {@code exp} and bounds clock skew.
	 * @param jwkSource the local key
	 * @param issuer the local issuer
	 * @param tenancyJwtValidator the starter's validator
	 * @return the decoder
	 */
	@Bean
	JwtDecoder jwtDecoder(JWKSource<SecurityContext> jwkSource, @Value("${sample.local-issuer}") String issuer,
			@Qualifier("tenancyJwtValidator") OAuth2TokenValidator<Jwt> tenancyJwtValidator) {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(jwkSource)
			.jwsAlgorithm(SignatureAlgorithm.RS256)
			.build();
		decoder.setJwtValidator(JwtValidators
			.createDefaultWithValidators(List.of(new JwtIssuerValidator(issuer), tenancyJwtValidator)));
		return decoder;
	}

	/**
	 * A client-credentials request without {@code scope} gets the client's registered
	 * scopes, the "pre-defined default value" of RFC 6749 section 3.3, so
	 * {@code ops-client} receives {@code tenancy.admin} without asking. A request that
	 * names scopes is left as it is.
	 */
	static final class DefaultScopesConverter implements AuthenticationConverter {

		private final OAuth2ClientCredentialsAuthenticationConverter delegate = new OAuth2ClientCredentialsAuthenticationConverter();

		@Override
		public Authentication convert(HttpServletRequest request) {
			Authentication authentication = this.delegate.convert(request);
			if (authentication instanceof OAuth2ClientCredentialsAuthenticationToken grant
					&& grant.getScopes().isEmpty()
					&& grant.getPrincipal() instanceof OAuth2ClientAuthenticationToken client
					&& client.getRegisteredClient() != null) {
				return new OAuth2ClientCredentialsAuthenticationToken(client, client.getRegisteredClient().getScopes(),
						grant.getAdditionalParameters());
			}
			return authentication;
		}

	}

}
