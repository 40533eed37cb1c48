package dev.tenancy.client;

import java.util.Objects;
import java.util.Optional;

import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;

/**
 * The service's own token from Spring Security's OAuth 2.0 client (normally the
 * client-credentials grant of one client registration), for work with no caller: a
 * scheduled job, a queue listener.
 */
public final class ClientCredentialsToken implements OutboundToken {

	private final OAuth2AuthorizedClientManager manager;

	private final String registrationId;

	/**
	 * Tokens of one client registration.
	 * @param manager the application's authorized client manager (an
	 * {@code AuthorizedClientServiceOAuth2AuthorizedClientManager} works outside
	 * requests)
	 * @param registrationId the registration, such as {@code downstream}
	 */
	public ClientCredentialsToken(OAuth2AuthorizedClientManager manager, String registrationId) {
		this.manager = Objects.requireNonNull(manager, "manager");
		this.registrationId = Objects.requireNonNull(registrationId, "registrationId");
	}

	@Override
	public Optional<String> token() {
		OAuth2AuthorizedClient client = this.manager
			.authorize(OAuth2AuthorizeRequest.withClientRegistrationId(this.registrationId)
				.principal(this.registrationId)
				.build());
		return Optional.ofNullable(client).map((authorized) -> authorized.getAccessToken().getTokenValue());
	}

	@Override
	public String toString() {
		return "ClientCredentialsToken[" + this.registrationId + "]";
	}

}
