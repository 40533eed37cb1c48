package dev.tenancy.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tenancy.test.RawHttp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real HTTP against the app under test: tokens from its own {@code /oauth2/token},
 * requests through {@link HttpClient}, and a raw socket for requests whose exact bytes
 * matter.
 */
public final class Api {

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Tokens by port and client: one context keeps one signing key for its lifetime. */
	private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

	private final int port;

	public Api(int port) {
		this.port = port;
	}

	/**
	 * The management server (actuator) of a running app, on its own port.
	 * @param context the app
	 * @return its management API
	 */
	public static Api management(org.springframework.context.ApplicationContext context) {
		return new Api(context.getEnvironment().getRequiredProperty("local.management.port", Integer.class));
	}

	public URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

	/**
	 * An access token for a demo client, from the app's token endpoint
	 * (client_secret_basic).
	 * @param client the client id; the secret is derived from it
	 * @return the token
	 */
	public String token(String client) {
		return TOKENS.computeIfAbsent(this.port + "/" + client, (key) -> {
			HttpResponse<String> response = tokenRequestBasic(client, secretOf(client),
					"grant_type=client_credentials");
			assertThat(response.statusCode()).as("token for %s: %s", client, response.body()).isEqualTo(200);
			return json(response).path("access_token").asString();
		});
	}

	public static String secretOf(String client) {
		return client.replace("-client", "-secret");
	}

	public HttpResponse<String> tokenRequestBasic(String client, String secret, String form) {
		String basic = Base64.getEncoder().encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8));
		return send(HttpRequest.newBuilder(uri("/oauth2/token"))
			.header("Authorization", "Basic " + basic)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build());
	}

	public HttpResponse<String> tokenRequestPost(String form) {
		return send(HttpRequest.newBuilder(uri("/oauth2/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build());
	}

	/**
	 * GET with headers given as name, value, name, value, ...
	 * @param path the path
	 * @param headers header names and values
	 * @return the response
	 */
	public HttpResponse<String> get(String path, String... headers) {
		return send(request(path, headers).GET().build());
	}

	public HttpResponse<byte[]> getBytes(String path, String... headers) {
		try {
			return HTTP.send(request(path, headers).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public HttpResponse<String> postJson(String path, String body, String... headers) {
		return post(path, "application/json", body, headers);
	}

	public HttpResponse<String> post(String path, String contentType, String body, String... headers) {
		return send(request(path, headers).header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build());
	}

	public HttpResponse<String> put(String path, String json, String... headers) {
		return send(request(path, headers).header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString(json))
			.build());
	}

	public static String bearer(String token) {
		return "Bearer " + token;
	}

	private HttpRequest.Builder request(String path, String... headers) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
		for (int i = 0; i < headers.length; i += 2) {
			builder.header(headers[i], headers[i + 1]);
		}
		return builder;
	}

	private static HttpResponse<String> send(HttpRequest request) {
		try {
			return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public static JsonNode json(HttpResponse<String> response) {
		return json(response.body());
	}

	public static JsonNode json(String body) {
		return JSON.readTree(body);
	}

	public static String code(HttpResponse<String> response) {
		return json(response).path("code").asString();
	}

	/**
	 * Send a GET whose header block is written byte for byte, so that duplicates, odd
	 * spacing and non-ASCII bytes reach the server exactly as given.
	 * @param path the path
	 * @param headerBlock header lines, each ending in CRLF, already encoded
	 * @return the response
	 */
	public RawResponse rawGet(String path, byte[] headerBlock) {
		ByteArrayOutputStream request = new ByteArrayOutputStream();
		request.writeBytes(("GET " + path + " HTTP/1.1\r\nHost: localhost:" + this.port + "\r\nConnection: close\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		request.writeBytes(headerBlock);
		request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
		RawHttp.Response response = RawHttp.send(this.port, request.toByteArray());
		int split = response.raw().indexOf("\r\n\r\n");
		return new RawResponse(response.status(), (split >= 0) ? response.raw().substring(0, split) : response.raw(),
				response.body());
	}

	/**
	 * A response read from a raw socket.
	 *
	 * @param status the status code
	 * @param head the status line and headers
	 * @param body the body, de-chunked
	 */
	public record RawResponse(int status, String head, String body) {

		public String code() {
			try {
				return json(this.body).path("code").asString();
			}
			catch (RuntimeException ex) {
				return "";
			}
		}

	}

}
