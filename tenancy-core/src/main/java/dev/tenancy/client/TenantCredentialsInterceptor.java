package dev.tenancy.client;

import java.io.IOException;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * Outbound credentials for {@code RestClient} and {@code RestTemplate}: a request to one
 * of the trusted destinations gets a bearer token, from the first source that has one
 * (normally the caller's own token, then the service's client-credentials token); a
 * request to anywhere else gets none, so a user's token never leaks to a third party. A
 * request that already has an {@code Authorization} header keeps it.
 * <p>
 * A tenant header (such as {@code X-Tenant-ID}) never leaves without a credential: such a
 * request fails with {@link BareTenantHeaderException} before it is sent. The tenant a
 * downstream acts for comes from the token it verifies, as it does here.
 */
public final class TenantCredentialsInterceptor implements ClientHttpRequestInterceptor {

	private final List<OutboundToken> tokens;

	private final List<URI> destinations;

	private final List<String> tenantHeaders;

	/**
	 * Create an interceptor.
	 * @param tokens where tokens come from, in order of preference
	 * @param destinations the trusted destinations, as URI prefixes (scheme, host, port
	 * and path prefix all count), such as {@code https://billing.internal/api/}
	 * @param tenantHeaders the tenant header names that never leave without a credential
	 */
	public TenantCredentialsInterceptor(List<OutboundToken> tokens, Collection<URI> destinations,
			Collection<String> tenantHeaders) {
		this.tokens = List.copyOf(tokens);
		this.destinations = destinations.stream().map(TenantCredentialsInterceptor::requireAbsolute).toList();
		this.tenantHeaders = List.copyOf(tenantHeaders);
	}

	private static URI requireAbsolute(URI destination) {
		Objects.requireNonNull(destination, "destination");
		if (!destination.isAbsolute() || destination.getHost() == null) {
			throw new IllegalArgumentException(
					"A trusted destination must be an absolute http(s) URI such as https://billing.internal/");
		}
		return destination;
	}

	/**
	 * Add this interceptor to a {@code RestClient} builder.
	 * @param builder the builder
	 */
	public void applyTo(RestClient.Builder builder) {
		builder.requestInterceptors((interceptors) -> {
			if (!interceptors.contains(this)) {
				interceptors.add(this);
			}
		});
	}

	/**
	 * Add this interceptor to a {@code RestTemplate}.
	 * @param restTemplate the template
	 */
	public void applyTo(RestTemplate restTemplate) {
		if (!restTemplate.getInterceptors().contains(this)) {
			restTemplate.getInterceptors().add(this);
		}
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		HttpHeaders headers = request.getHeaders();
		if (!headers.containsHeader(HttpHeaders.AUTHORIZATION) && isTrusted(request.getURI())) {
			token().ifPresent(headers::setBearerAuth);
		}
		if (!headers.containsHeader(HttpHeaders.AUTHORIZATION)) {
			for (String tenantHeader : this.tenantHeaders) {
				if (headers.containsHeader(tenantHeader)) {
					throw new BareTenantHeaderException(tenantHeader);
				}
			}
		}
		return execution.execute(request, body);
	}

	private Optional<String> token() {
		for (OutboundToken source : this.tokens) {
			Optional<String> token = source.token();
			if (token.isPresent()) {
				return token;
			}
		}
		return Optional.empty();
	}

	/**
	 * Whether a request URI is under one of the trusted destinations.
	 * @param uri the request URI
	 * @return whether it gets a token
	 */
	boolean isTrusted(URI uri) {
		if (uri == null || uri.getHost() == null || uri.getScheme() == null) {
			return false;
		}
		for (URI destination : this.destinations) {
			if (destination.getScheme().equalsIgnoreCase(uri.getScheme())
					&& destination.getHost().equalsIgnoreCase(uri.getHost()) && port(destination) == port(uri)
					&& underPath(destination.getRawPath(), uri.getRawPath()) && uri.getRawUserInfo() == null) {
				return true;
			}
		}
		return false;
	}

	private static int port(URI uri) {
		if (uri.getPort() != -1) {
			return uri.getPort();
		}
		return switch (uri.getScheme().toLowerCase(Locale.ROOT)) {
			case "https" -> 443;
			case "http" -> 80;
			default -> -1;
		};
	}

	private static boolean underPath(String prefix, String path) {
		if (prefix == null || prefix.isEmpty() || prefix.equals("/")) {
			return true;
		}
		String actual = (path == null || path.isEmpty()) ? "/" : path;
		String base = prefix.endsWith("/") ? prefix : prefix + "/";
		// "/api" trusts "/api" and "/api/...", never "/apis" nor "/api/../admin"
		return (actual.equals(prefix) || actual.startsWith(base)) && !actual.contains("/../")
				&& !actual.endsWith("/..");
	}

}
