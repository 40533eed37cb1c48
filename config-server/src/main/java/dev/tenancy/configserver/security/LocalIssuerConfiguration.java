package dev.tenancy.configserver.security;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.configserver.ConfigServerProperties;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The local development issuer ({@code tenancy.config-server.local-issuer.enabled}, on in
 * the {@code local} profile): Spring Authorization Server inside the config server,
 * issuing client-credentials access tokens at {@code POST /oauth2/token}
 * ({@code client_secret_basic} or {@code client_secret_post}) to the config server's own
 * clients: client id = client name, secret = its password (verified against the encoded
 * password in {@code tenancy.config-server.clients.<name>.password}). A client may ask
 * for the scopes {@code config:<name>} and, unless {@code tenant-api=false},
 * {@code tenants:read}; every token names the audience {@code token.audience}, the issuer
 * {@code local-issuer.issuer}, and lives {@code local-issuer.token-time-to-live}.
 * <p>
 * Why here: a service fetches its configuration while it starts, before its own context
 * exists, so its bootstrap token cannot come from itself (the sample app's own local
 * authorization server runs inside the app); the config server is up before every service
 * in local development anyway. Its JWK set is published at {@code /oauth2/jwks} and its
 * metadata at {@code /.well-known/oauth-authorization-server}, so the same issuer can
 * serve more grants later (an operator's authorization code with PKCE).
 * <p>
 * For the operator console it also serves the authorization code grant with OpenID
 * Connect: people ({@code local-issuer.users}) sign in at {@code /issuer/login} (a form
 * of its own chain, their sign-in kept in the session under a key the console never
 * reads), the console client ({@code local-issuer.console-client}) must use PKCE, and
 * only operators ({@code admin=true}) are granted the console's admin scope
 * ({@link OperatorScopeAuthorizations}).
 * <p>
 * The signing key is an RSA key generated at start-up and never stored: tokens die with
 * the process, and clients request new ones (the starter's client retries once with a new
 * token on a 401). Outside local development, leave this off and set
 * {@code tenancy.config-server.token.issuer-uri} to the platform's issuer.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(ConfigServerProperties.PREFIX + ".local-issuer.enabled")
public class LocalIssuerConfiguration {

	/** Name of the local issuer's key source. */
	public static final String JWK_SOURCE_BEAN = "localIssuerJwkSource";

	/** The login page of the local issuer, for people. */
	static final String LOGIN_PAGE = "/issuer/login";

	/** Where the console receives its authorization code, after the issuer's address. */
	static final String CONSOLE_REDIRECT_PATH = "/console/login/oauth2/code/console";

	private static final String LOGIN_PAGE_POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; "
			+ "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

	private static final Logger LOG = LoggerFactory.getLogger(LocalIssuerConfiguration.class);

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	SecurityFilterChain localIssuerFilterChain(HttpSecurity http, LocalIssuerSessions sessions) throws Exception {
		http.oauth2AuthorizationServer((authorizationServer) -> {
			http.securityMatcher(authorizationServer.getEndpointsMatcher());
			// ID tokens for the operator console (OpenID Connect over the authorization
			// code grant).
			authorizationServer.oidc(Customizer.withDefaults());
		})
			.authorizeHttpRequests((authorize) -> authorize.anyRequest().authenticated())
			// A person at the authorization endpoint signs in at the login page first;
			// the
			// sign-in lives in the session under a key of its own, never the console's.
			.securityContext((context) -> context.securityContextRepository(sessions.contexts()))
			.requestCache((cache) -> cache.requestCache(sessions.authorizationRequests()))
			.exceptionHandling((exceptions) -> exceptions.defaultAuthenticationEntryPointFor(
					new LoginUrlAuthenticationEntryPoint(LOGIN_PAGE), new MediaTypeRequestMatcher(MediaType.TEXT_HTML)))
			.headers((headers) -> headers
				.contentSecurityPolicy(
						(csp) -> csp.policyDirectives(ConfigServerSecurityConfiguration.CONTENT_SECURITY_POLICY))
				.httpStrictTransportSecurity((hsts) -> hsts.disable()));
		return http.build();
	}

	/**
	 * The local issuer's login page for people
	 * ({@code tenancy.config-server.local-issuer.users}): a form with CSRF protection; a
	 * successful sign-in goes back to the authorization request that sent the person
	 * here.
	 */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE + 1)
	SecurityFilterChain localIssuerLoginFilterChain(HttpSecurity http, LocalIssuerSessions sessions,
			ConfigServerProperties properties, PasswordEncoder passwordEncoder) throws Exception {
		DaoAuthenticationProvider users = new DaoAuthenticationProvider(
				new LocalIssuerUsers(properties.localIssuer().users()));
		users.setPasswordEncoder(passwordEncoder);
		SavedRequestAwareAuthenticationSuccessHandler backToAuthorization = new SavedRequestAwareAuthenticationSuccessHandler();
		backToAuthorization.setRequestCache(sessions.authorizationRequests());
		backToAuthorization.setDefaultTargetUrl("/console");
		http.securityMatcher("/issuer/**")
			.authorizeHttpRequests(
					(authorize) -> authorize.requestMatchers(LOGIN_PAGE).permitAll().anyRequest().denyAll())
			.authenticationManager(new ProviderManager(List.of(users)))
			.formLogin((form) -> form.loginPage(LOGIN_PAGE)
				.successHandler(backToAuthorization)
				.failureUrl(LOGIN_PAGE + "?error"))
			.securityContext((context) -> context.securityContextRepository(sessions.contexts()))
			.requestCache((cache) -> cache.requestCache(sessions.authorizationRequests()))
			.logout(AbstractHttpConfigurer::disable)
			.headers((headers) -> headers.contentSecurityPolicy((csp) -> csp.policyDirectives(LOGIN_PAGE_POLICY))
				.referrerPolicy((referrer) -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)));
		return http.build();
	}

	@Bean
	LocalIssuerSessions localIssuerSessions() {
		return new LocalIssuerSessions();
	}

	/**
	 * Authorizations in memory (they die with the process, like the key); the console's
	 * admin scope is granted to operators ({@code admin=true}) only.
	 */
	@Bean
	OAuth2AuthorizationService localIssuerAuthorizations(ConfigServerProperties properties,
			@Value("${tenancy.config-server.console.admin-scope:tenants:admin}") String adminScope) {
		return new OperatorScopeAuthorizations(new InMemoryOAuth2AuthorizationService(), adminScope);
	}

	@Bean
	RegisteredClientRepository localIssuerClients(ConfigClientUserDetailsService clients,
			ConfigServerProperties properties,
			@Value("${tenancy.config-server.console.admin-scope:tenants:admin}") String adminScope) {
		LOG.warn("The local issuer is on: the config server issues access tokens to its own clients at "
				+ "/oauth2/token. For local development only.");
		return new ClientsAsRegisteredClients(clients, properties.localIssuer(), adminScope);
	}

	@Bean
	AuthorizationServerSettings localIssuerSettings(ConfigServerProperties properties) {
		return AuthorizationServerSettings.builder().issuer(properties.localIssuer().issuer().toString()).build();
	}

	@Bean(JWK_SOURCE_BEAN)
	JWKSource<SecurityContext> localIssuerJwkSource() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			KeyPair pair = generator.generateKeyPair();
			RSAKey key = new RSAKey.Builder((RSAPublicKey) pair.getPublic())
				.privateKey((RSAPrivateKey) pair.getPrivate())
				.keyID(UUID.randomUUID().toString())
				.build();
			return new ImmutableJWKSet<>(new JWKSet(key));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("RSA is not available", ex);
		}
	}

	/**
	 * Every access token names this server's audience (instead of the client id).
	 */
	@Bean
	OAuth2TokenCustomizer<JwtEncodingContext> localIssuerAudience(ConfigServerProperties properties) {
		String audience = properties.token().audience();
		return (context) -> {
			if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
				context.getClaims().audience(List.of(audience));
			}
		};
	}

	/**
	 * The config server's clients, as Spring Authorization Server sees them; read on each
	 * lookup, so a refresh of the clients applies to the issuer too.
	 */
	static final class ClientsAsRegisteredClients implements RegisteredClientRepository {

		private final ConfigClientUserDetailsService clients;

		private final ConfigServerProperties.LocalIssuer settings;

		private final String adminScope;

		ClientsAsRegisteredClients(ConfigClientUserDetailsService clients, ConfigServerProperties.LocalIssuer settings,
				String adminScope) {
			this.clients = clients;
			this.settings = settings;
			this.adminScope = adminScope;
		}

		@Override
		public void save(RegisteredClient registeredClient) {
			// Nothing is stored: Spring Authorization Server saves a client whose secret
			// encoding it would upgrade ({noop}); the configured clients stay as they
			// are.
		}

		@Override
		public RegisteredClient findById(String id) {
			return findByClientId(id);
		}

		@Override
		public RegisteredClient findByClientId(String clientId) {
			ConfigServerProperties.ConsoleClient console = this.settings.consoleClient();
			if (clientId != null && clientId.equals(console.clientId()) && console.secret() != null
					&& !console.secret().isBlank()) {
				return consoleClient(console);
			}
			ConfigServerProperties.Client client = (clientId != null) ? this.clients.clients().get(clientId) : null;
			if (client == null) {
				return null;
			}
			RegisteredClient.Builder builder = RegisteredClient.withId(clientId)
				.clientId(clientId)
				.clientSecret(client.password())
				.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
				.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
				.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
				.tokenSettings(TokenSettings.builder()
					.accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
					.accessTokenTimeToLive(this.settings.tokenTimeToLive())
					.build());
			if (ConfigPathAuthorizationManager.APPLICATION_NAME.matcher(clientId).matches()) {
				builder.scope(ServiceAuthorities.CONFIG_SCOPE_PREFIX + clientId);
			}
			if (client.tenantApi()) {
				builder.scope(ServiceAuthorities.TENANTS_READ_SCOPE);
			}
			return builder.build();
		}

		/**
		 * The operator console: a confidential client that signs people in with the
		 * authorization code grant, PKCE required, no consent screen (it is this
		 * platform's own console).
		 */
		private RegisteredClient consoleClient(ConfigServerProperties.ConsoleClient console) {
			String issuer = this.settings.issuer().toString().replaceAll("/+$", "");
			return RegisteredClient.withId(console.clientId())
				.clientId(console.clientId())
				.clientSecret(console.secret())
				.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
				.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
				.redirectUri(issuer + CONSOLE_REDIRECT_PATH)
				.scope(OidcScopes.OPENID)
				.scope(this.adminScope)
				.clientSettings(
						ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(false).build())
				.tokenSettings(TokenSettings.builder()
					.accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
					.accessTokenTimeToLive(this.settings.tokenTimeToLive())
					.build())
				.build();
		}

	}

}
