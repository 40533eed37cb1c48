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

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
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

	private static final Logger LOG = LoggerFactory.getLogger(LocalIssuerConfiguration.class);

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	SecurityFilterChain localIssuerFilterChain(HttpSecurity http) throws Exception {
		http.oauth2AuthorizationServer(
				(authorizationServer) -> http.securityMatcher(authorizationServer.getEndpointsMatcher()))
			.authorizeHttpRequests((authorize) -> authorize.anyRequest().authenticated())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.headers((headers) -> headers
				.contentSecurityPolicy(
						(csp) -> csp.policyDirectives(ConfigServerSecurityConfiguration.CONTENT_SECURITY_POLICY))
				.httpStrictTransportSecurity((hsts) -> hsts.disable()));
		return http.build();
	}

	@Bean
	RegisteredClientRepository localIssuerClients(ConfigClientUserDetailsService clients,
			ConfigServerProperties properties) {
		LOG.warn("The local issuer is on: the config server issues access tokens to its own clients at "
				+ "/oauth2/token. For local development only.");
		return new ClientsAsRegisteredClients(clients, properties.localIssuer());
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

		ClientsAsRegisteredClients(ConfigClientUserDetailsService clients,
				ConfigServerProperties.LocalIssuer settings) {
			this.clients = clients;
			this.settings = settings;
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

	}

}
