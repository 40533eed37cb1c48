package dev.tenancy.test.isolation;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import dev.tenancy.test.token.TestTokens;

/**
 * How an {@link EndpointProbe} sends a request as a tenant: to a running server
 * ({@link #server}) or through MockMvc ({@link MockMvcTransport}).
 */
@FunctionalInterface
public interface HttpTransport {

	/**
	 * Send a request as a tenant's user.
	 * @param method the HTTP method
	 * @param path the path and query, such as {@code /api/trips/42}
	 * @param tenant the tenant whose user sends it
	 * @param jsonBody the JSON body, or {@code null} for none
	 * @return the response
	 */
	Response exchange(String method, String path, String tenant, String jsonBody);

	/**
	 * A running server, authenticated with {@link TestTokens#shared()}'s token for the
	 * tenant (the server must trust it: {@link dev.tenancy.test.token.UseTestTokens}).
	 * @param baseUri such as {@code http://localhost:8080}
	 * @return the transport
	 */
	static HttpTransport server(URI baseUri) {
		return server(baseUri, (tenant) -> Map.of("Authorization", "Bearer " + TestTokens.shared().forTenant(tenant)));
	}

	/**
	 * A running server, with the headers that make a request a tenant's (a token from
	 * your own issuer, say).
	 * @param baseUri such as {@code http://localhost:8080}
	 * @param headersForTenant the headers for a tenant
	 * @return the transport
	 */
	static HttpTransport server(URI baseUri, Function<String, Map<String, String>> headersForTenant) {
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		return (method, path, tenant, jsonBody) -> {
			HttpRequest.Builder request = HttpRequest.newBuilder(baseUri.resolve(path))
				.timeout(Duration.ofSeconds(30))
				.method(method, (jsonBody != null) ? HttpRequest.BodyPublishers.ofString(jsonBody)
						: HttpRequest.BodyPublishers.noBody());
			if (jsonBody != null) {
				request.header("Content-Type", "application/json");
			}
			headersForTenant.apply(tenant).forEach(request::header);
			try {
				HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
				return new Response(response.statusCode(), response.body(),
						response.headers().firstValue("Location").orElse(null));
			}
			catch (IOException ex) {
				throw new IllegalStateException(method + " " + path + " failed: " + ex.getMessage(), ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(method + " " + path + " interrupted", ex);
			}
		};
	}

	/**
	 * A response.
	 *
	 * @param status the status code
	 * @param body the body (empty for none)
	 * @param location the {@code Location} header, or {@code null}
	 */
	record Response(int status, String body, String location) {

		public Response {
			body = (body != null) ? body : "";
		}

		/**
		 * The {@code Location} header.
		 * @return the location, if any
		 */
		public Optional<String> locationHeader() {
			return Optional.ofNullable(this.location);
		}

		@Override
		public String toString() {
			String shown = (this.body.length() > 200) ? this.body.substring(0, 200) + "..." : this.body;
			return this.status + (shown.isEmpty() ? "" : " " + shown);
		}

	}

}
