package dev.tenancy.security;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;

import dev.tenancy.client.BoundedBody;

/**
 * Fetches a JWK set over HTTP with bounded time and size: a connect timeout, one deadline
 * for the whole answer (so an identity provider that drips its answer byte by byte cannot
 * hold a fetch for longer), a size limit, and only public keys kept. With only an issuer
 * configured, the JWK set location is discovered from the issuer's metadata on the first
 * fetch (OpenID Connect Discovery, then RFC 8414), checking that the metadata names the
 * same issuer.
 */
final class HttpJwkSetFetcher implements JwkSetFetcher {

	private final HttpClient client;

	private final JwkSetPolicy policy;

	private final String issuer;

	private volatile URI jwkSetUri;

	private HttpJwkSetFetcher(URI jwkSetUri, String issuer, JwkSetPolicy policy) {
		this.jwkSetUri = jwkSetUri;
		this.issuer = issuer;
		this.policy = policy;
		this.client = HttpClient.newBuilder()
			.connectTimeout(policy.connectTimeout())
			.followRedirects(HttpClient.Redirect.NORMAL)
			.version(HttpClient.Version.HTTP_1_1)
			.build();
	}

	static HttpJwkSetFetcher forJwkSetUri(URI jwkSetUri, JwkSetPolicy policy) {
		return new HttpJwkSetFetcher(requireHttp(jwkSetUri, "JWK set URI"), null, policy);
	}

	static HttpJwkSetFetcher forIssuer(URI issuer, JwkSetPolicy policy) {
		return new HttpJwkSetFetcher(null, requireHttp(issuer, "issuer URI").toString(), policy);
	}

	private static URI requireHttp(URI uri, String what) {
		Objects.requireNonNull(uri, what);
		if (!uri.isAbsolute() || uri.getHost() == null
				|| !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
			throw new IllegalArgumentException(what + " must be an absolute http(s) URL: " + uri);
		}
		return uri;
	}

	/**
	 * Where the keys come from, for log messages.
	 * @return the JWK set URI, or the issuer while it is not discovered yet
	 */
	String location() {
		URI uri = this.jwkSetUri;
		return (uri != null) ? uri.toString() : this.issuer + " (discovery)";
	}

	@Override
	public JWKSet fetch() throws Exception {
		URI uri = this.jwkSetUri;
		if (uri == null) {
			uri = discover();
			this.jwkSetUri = uri;
		}
		// Only public keys: a JWK set that (wrongly or maliciously) carries private or
		// symmetric
		// keys must not make them usable for verification.
		return JWKSet.parse(get(uri)).toPublicJWKSet();
	}

	private URI discover() throws Exception {
		URI issuerUri = URI.create(this.issuer);
		String path = (issuerUri.getRawPath() != null) ? issuerUri.getRawPath() : "";
		String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
		String origin = issuerUri.getScheme() + "://" + issuerUri.getRawAuthority();
		List<URI> candidates = List.of(URI.create(origin + trimmed + "/.well-known/openid-configuration"),
				URI.create(origin + "/.well-known/openid-configuration" + trimmed),
				URI.create(origin + "/.well-known/oauth-authorization-server" + trimmed));
		List<String> failures = new ArrayList<>();
		for (URI candidate : candidates) {
			String body;
			try {
				body = get(candidate);
			}
			catch (NotFoundException ex) {
				failures.add(candidate + ": " + ex.getMessage());
				continue;
			}
			Map<String, Object> metadata = JSONObjectUtils.parse(body);
			if (!this.issuer.equals(metadata.get("issuer"))) {
				throw new IOException("The metadata at " + candidate + " names another issuer");
			}
			Object jwksUri = metadata.get("jwks_uri");
			if (!(jwksUri instanceof String text)) {
				throw new IOException("The metadata at " + candidate + " has no jwks_uri");
			}
			return requireHttp(URI.create(text), "jwks_uri");
		}
		throw new IOException("No issuer metadata found: " + String.join("; ", failures));
	}

	private String get(URI uri) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(uri)
			.GET()
			.timeout(this.policy.fetchTimeout())
			.header("Accept", "application/json")
			.build();
		CompletableFuture<HttpResponse<byte[]>> future = this.client.sendAsync(request,
				(info) -> (info.statusCode() == 200) ? new BoundedBody(this.policy.maxBytes())
						: BodySubscribers.replacing(new byte[0]));
		HttpResponse<byte[]> response;
		try {
			response = future.get(this.policy.fetchTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw new HttpTimeoutException("no complete answer within " + this.policy.fetchTimeout());
		}
		catch (InterruptedException ex) {
			future.cancel(true);
			throw ex;
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw (cause instanceof IOException io) ? io : new IOException(cause.getClass().getSimpleName(), cause);
		}
		int status = response.statusCode();
		if (status == 404 || status == 410) {
			throw new NotFoundException("HTTP " + status);
		}
		if (status != 200) {
			throw new IOException("HTTP " + status);
		}
		return new String(response.body(), StandardCharsets.UTF_8);
	}

	/** A discovery candidate does not exist; the next one is tried. */
	private static final class NotFoundException extends IOException {

		private static final long serialVersionUID = 1L;

		NotFoundException(String message) {
			super(message);
		}

	}

}
