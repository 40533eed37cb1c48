package dev.tenancy.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Service tokens against a real HTTP token endpoint and API on loopback: one token is
 * reused until it is about to expire, a 401 gets a new token and one retry, a refusing
 * issuer fails the request without revealing the secret.
 */
class ServiceTokensTest {

	private HttpServer server;

	private final AtomicInteger issued = new AtomicInteger();

	private final List<String> tokenRequests = new CopyOnWriteArrayList<>();

	private final List<String> apiAuthorizations = new CopyOnWriteArrayList<>();

	private volatile int expiresIn = 300;

	private volatile boolean refuseClient;

	/** Tokens the API refuses (as after a key rotation). */
	private final List<String> revoked = new CopyOnWriteArrayList<>();

	@BeforeEach
	void start() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
		this.server.createContext("/oauth2/token", this::token);
		this.server.createContext("/api", this::api);
		this.server.start();
	}

	@AfterEach
	void stop() {
		this.server.stop(0);
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + path);
	}

	private void token(HttpExchange exchange) throws IOException {
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		this.tokenRequests.add(exchange.getRequestHeaders().getFirst("Authorization") + " " + body);
		if (this.refuseClient) {
			send(exchange, 401, "{\"error\":\"invalid_client\"}");
			return;
		}
		String token = "token-" + this.issued.incrementAndGet();
		send(exchange, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":"
				+ this.expiresIn + ",\"scope\":\"config:billing tenants:read\"}");
	}

	private void api(HttpExchange exchange) throws IOException {
		String authorization = exchange.getRequestHeaders().getFirst("Authorization");
		this.apiAuthorizations.add(authorization);
		boolean refused = authorization == null || this.revoked.stream().anyMatch(authorization::endsWith);
		send(exchange, refused ? 401 : 200, refused ? "" : "ok");
	}

	private static void send(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, (bytes.length == 0) ? -1 : bytes.length);
		if (bytes.length > 0) {
			exchange.getResponseBody().write(bytes);
		}
		exchange.close();
	}

	private ServiceTokens tokens(Duration renewBefore) {
		return new ServiceTokens(new ServiceTokens.Settings(uri("/oauth2/token"), "billing", "s3cret-value",
				List.of("config:billing", "tenants:read"), renewBefore, Duration.ofSeconds(2), Duration.ofSeconds(5)));
	}

	private RestClient client(ServiceTokens tokens) {
		return RestClient.builder().requestInterceptor(tokens.interceptor()).build();
	}

	@Test
	void oneTokenIsAskedForWithTheClientsCredentialsAndScopesAndReused() {
		RestClient client = client(tokens(Duration.ofSeconds(60)));
		for (int i = 0; i < 5; i++) {
			assertThat(client.get().uri(uri("/api")).retrieve().body(String.class)).isEqualTo("ok");
		}

		assertThat(this.issued).hasValue(1);
		assertThat(this.tokenRequests).singleElement()
			.satisfies((request) -> assertThat(request).startsWith("Basic ")
				.contains("grant_type=client_credentials")
				.contains("scope=config%3Abilling+tenants%3Aread"));
		assertThat(this.apiAuthorizations).containsOnly("Bearer token-1");
	}

	@Test
	void aTokenAboutToExpireIsRenewedBeforeItIsSent() throws Exception {
		this.expiresIn = 30;
		ServiceTokens tokens = tokens(Duration.ofSeconds(60));

		assertThat(tokens.token()).isEqualTo("token-1");
		// it expires within the renewal margin: a new one each time
		assertThat(tokens.token()).isEqualTo("token-2");
		this.expiresIn = 300;
		assertThat(tokens.token()).isEqualTo("token-3");
		assertThat(tokens.token()).isEqualTo("token-3");
	}

	@Test
	void a401GetsANewTokenAndOneRetry() {
		RestClient client = client(tokens(Duration.ofSeconds(60)));
		assertThat(client.get().uri(uri("/api")).retrieve().body(String.class)).isEqualTo("ok");
		this.revoked.add("token-1");

		assertThat(client.get().uri(uri("/api")).retrieve().body(String.class)).isEqualTo("ok");
		assertThat(this.apiAuthorizations).containsExactly("Bearer token-1", "Bearer token-1", "Bearer token-2");
	}

	@Test
	void aStill401AnswerIsReturnedAfterOneRetry() {
		RestClient client = client(tokens(Duration.ofSeconds(60)));
		this.revoked.add("token-1");
		this.revoked.add("token-2");

		int status = client.get().uri(uri("/api")).exchange((request, response) -> response.getStatusCode().value());
		assertThat(status).isEqualTo(401);
		assertThat(this.issued).hasValue(2);
	}

	@Test
	void aRefusingIssuerFailsWithoutRevealingTheSecret() {
		this.refuseClient = true;
		ServiceTokens tokens = tokens(Duration.ofSeconds(60));

		assertThatExceptionOfType(IOException.class).isThrownBy(tokens::token)
			.withMessageContaining("invalid_client")
			.withMessageContaining("billing")
			.withMessageNotContaining("s3cret-value");
		assertThat(tokens.toString()).doesNotContain("s3cret-value");
	}

	@Test
	void anUnreachableIssuerIsAnIoError() {
		this.server.stop(0);
		ServiceTokens tokens = tokens(Duration.ofSeconds(60));

		assertThatExceptionOfType(IOException.class).isThrownBy(tokens::token);
	}

}
