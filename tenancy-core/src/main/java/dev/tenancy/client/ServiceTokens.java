package dev.tenancy.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ClientCredentialsOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.RestClientClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.web.client.RestClient;

/**
 * A service's own OAuth 2.0 access token, obtained with the client-credentials grant
 * ({@code client_secret_basic}) from the platform's issuer, kept in memory and renewed
 * before it expires: Spring Security's OAuth 2.0 client does the work
 * ({@link ClientCredentialsOAuth2AuthorizedClientProvider}: a new token is requested once
 * the current one expires within {@code renewBefore}).
 * <p>
 * {@link #interceptor()} puts the token on outgoing requests (replacing any other
 * {@code Authorization}); when the server answers 401 (for example after the issuer
 * rotated its key, or a local issuer restarted with a new one) the token is dropped and
 * the request is sent once more with a new one. A token that cannot be obtained (issuer
 * unreachable, credentials refused) fails the request with an {@link IOException}, as a
 * connection failure would. The secret and the tokens are never logged, nor part of
 * {@link #toString()}.
 */
public final class ServiceTokens {

	private static final Logger logger = LoggerFactory.getLogger(ServiceTokens.class);

	private static final String REGISTRATION_ID = "service";

	private final String clientId;

	private final URI tokenUri;

	private final InMemoryOAuth2AuthorizedClientService store;

	private final AuthorizedClientServiceOAuth2AuthorizedClientManager manager;

	/**
	 * Tokens for one client.
	 * @param settings where and as whom to ask
	 */
	public ServiceTokens(Settings settings) {
		Objects.requireNonNull(settings, "settings");
		this.clientId = settings.clientId();
		this.tokenUri = settings.tokenUri();
		ClientRegistration registration = ClientRegistration.withRegistrationId(REGISTRATION_ID)
			.tokenUri(settings.tokenUri().toString())
			.clientId(settings.clientId())
			.clientSecret(settings.clientSecret())
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.scope(settings.scopes())
			.build();
		InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(registration);
		this.store = new InMemoryOAuth2AuthorizedClientService(registrations);
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
			.connectTimeout(settings.connectTimeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build());
		requestFactory.setReadTimeout(settings.readTimeout());
		RestClientClientCredentialsTokenResponseClient tokenClient = new RestClientClientCredentialsTokenResponseClient();
		// Spring Security's own RestClient, with bounded waits.
		tokenClient.setRestClient(
				RestClient.builder().requestFactory(requestFactory).configureMessageConverters((converters) -> {
					converters.addCustomConverter(new FormHttpMessageConverter());
					converters.addCustomConverter(new OAuth2AccessTokenResponseHttpMessageConverter());
				}).defaultStatusHandler(new OAuth2ErrorResponseErrorHandler()).build());
		ClientCredentialsOAuth2AuthorizedClientProvider provider = new ClientCredentialsOAuth2AuthorizedClientProvider();
		provider.setAccessTokenResponseClient(tokenClient);
		provider.setClockSkew(settings.renewBefore());
		this.manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations, this.store);
		this.manager.setAuthorizedClientProvider(provider);
	}

	/**
	 * The current access token, requested when there is none or it expires within the
	 * renewal margin.
	 * @return the token value
	 * @throws IOException when no token can be obtained
	 */
	public String token() throws IOException {
		OAuth2AuthorizedClient client;
		try {
			client = authorize();
		}
		catch (RuntimeException first) {
			// A pooled connection the issuer closed (after its restart, say) fails a
			// POST that the HTTP client never retries: try once more on I/O errors.
			if (!isIoError(first)) {
				throw failed(first);
			}
			try {
				client = authorize();
			}
			catch (RuntimeException ex) {
				throw failed(ex);
			}
		}
		if (client == null) {
			throw new IOException("No access token for client '" + this.clientId + "' from " + this.tokenUri);
		}
		return client.getAccessToken().getTokenValue();
	}

	private OAuth2AuthorizedClient authorize() {
		return this.manager.authorize(
				OAuth2AuthorizeRequest.withClientRegistrationId(REGISTRATION_ID).principal(this.clientId).build());
	}

	private static boolean isIoError(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof IOException) {
				return true;
			}
		}
		return false;
	}

	private IOException failed(RuntimeException ex) {
		// OAuth2AuthorizationException (refused: invalid_client, invalid_scope, ...) or a
		// connection failure; the message names the error code, never the secret
		logger.warn("No access token for client '{}' from {}: {}", this.clientId, this.tokenUri, ex.getMessage());
		return new IOException(
				"No access token for client '" + this.clientId + "' from " + this.tokenUri + ": " + ex.getMessage(),
				ex);
	}

	/** Drops the current token: the next {@link #token()} requests a new one. */
	public void invalidate() {
		this.store.removeAuthorizedClient(REGISTRATION_ID, this.clientId);
	}

	/**
	 * An interceptor that sends the token as {@code Authorization: Bearer}, and on a 401
	 * drops it and retries once with a new one.
	 * @return the interceptor
	 */
	public ClientHttpRequestInterceptor interceptor() {
		return (request, body, execution) -> {
			String sent = token();
			request.getHeaders().setBearerAuth(sent);
			ClientHttpResponse response = execution.execute(request, body);
			if (response.getStatusCode().value() != HttpStatus.UNAUTHORIZED.value()) {
				return response;
			}
			response.close();
			invalidate();
			String renewed = token();
			request.getHeaders().set(HttpHeaders.AUTHORIZATION, "Bearer " + renewed);
			return execution.execute(request, body);
		};
	}

	@Override
	public String toString() {
		return "ServiceTokens[client " + this.clientId + " at " + this.tokenUri + "]";
	}

	/**
	 * Where and as whom to ask for tokens.
	 *
	 * @param tokenUri the issuer's token endpoint
	 * @param clientId the client id
	 * @param clientSecret the client secret (never logged)
	 * @param scopes the scopes to ask for (empty: the client's defaults)
	 * @param renewBefore how long before expiry a token is renewed
	 * @param connectTimeout longest wait for a connection to the issuer
	 * @param readTimeout longest wait for the issuer's answer
	 */
	public record Settings(URI tokenUri, String clientId, String clientSecret, List<String> scopes,
			Duration renewBefore, Duration connectTimeout, Duration readTimeout) {

		public Settings {
			Objects.requireNonNull(tokenUri, "tokenUri");
			if (clientId == null || clientId.isBlank()) {
				throw new IllegalArgumentException("clientId must not be blank");
			}
			if (clientSecret == null || clientSecret.isEmpty()) {
				throw new IllegalArgumentException("clientSecret must not be empty");
			}
			scopes = (scopes != null) ? List.copyOf(scopes) : List.of();
			Objects.requireNonNull(renewBefore, "renewBefore");
			Objects.requireNonNull(connectTimeout, "connectTimeout");
			Objects.requireNonNull(readTimeout, "readTimeout");
		}

		/** Never shows the secret. */
		@Override
		public String toString() {
			return "Settings[tokenUri=" + this.tokenUri + ", clientId=" + this.clientId + ", scopes=" + this.scopes
					+ "]";
		}

	}

}
