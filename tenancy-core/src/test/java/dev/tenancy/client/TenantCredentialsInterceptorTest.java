package dev.tenancy.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Outbound requests, seen by a real local HTTP server: a trusted destination gets the
 * caller's token (or the service's, without a caller), an untrusted one gets none, and no
 * request leaves with a tenant header but no credential.
 */
class TenantCredentialsInterceptorTest {

	/** In this helper's port range. */
	static final int PORT = 19201;

	HttpServer server;

	final BlockingQueue<Map<String, List<String>>> seen = new LinkedBlockingQueue<>();

	String base;

	@BeforeEach
	void startServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", PORT), 0);
		this.server.createContext("/", (exchange) -> {
			this.seen.add(Map.copyOf(exchange.getRequestHeaders()));
			exchange.sendResponseHeaders(204, -1);
			exchange.close();
		});
		this.server.start();
		this.base = "http://127.0.0.1:" + PORT;
	}

	@AfterEach
	void stopServer() {
		this.server.stop(0);
		SecurityContextHolder.clearContext();
	}

	static void authenticateCaller(String token) {
		Jwt jwt = Jwt.withTokenValue(token).header("alg", "RS256").subject("alice").claim("tenant_id", "acme").build();
		SecurityContextHolder.getContext().setAuthentication(new JwtAuthenticationToken(jwt, List.of()));
	}

	TenantCredentialsInterceptor interceptor(OutboundToken serviceToken, String... trusted) {
		return new TenantCredentialsInterceptor(List.of(new CallerBearerToken(), serviceToken),
				List.of(trusted).stream().map(URI::create).toList(), List.of("X-Client-ID", "X-Tenant-ID"));
	}

	RestClient client(TenantCredentialsInterceptor interceptor) {
		RestClient.Builder builder = RestClient.builder().baseUrl(this.base);
		interceptor.applyTo(builder);
		interceptor.applyTo(builder);
		return builder.build();
	}

	Map<String, List<String>> lastRequest() throws InterruptedException {
		Map<String, List<String>> headers = this.seen.poll(10, TimeUnit.SECONDS);
		assertThat(headers).as("a request reached the server").isNotNull();
		return headers;
	}

	@Test
	void theCallersTokenGoesToATrustedDestinationAndNoTenantHeaderDoes() throws Exception {
		authenticateCaller("caller-token");
		RestClient client = client(interceptor(() -> Optional.of("service-token"), this.base + "/api/"));
		client.get().uri("/api/trips").retrieve().toBodilessEntity();
		Map<String, List<String>> headers = lastRequest();
		assertThat(headers.get("Authorization")).containsExactly("Bearer caller-token");
		assertThat(headers.keySet())
			.noneMatch((name) -> name.equalsIgnoreCase("X-Tenant-ID") || name.equalsIgnoreCase("X-Client-ID"));
	}

	@Test
	void withoutACallerTheServiceTokenIsSent() throws Exception {
		RestTemplate template = new RestTemplate();
		interceptor(() -> Optional.of("service-token"), this.base + "/").applyTo(template);
		template.getForEntity(this.base + "/jobs", Void.class);
		assertThat(lastRequest().get("Authorization")).containsExactly("Bearer service-token");
	}

	@Test
	void untrustedDestinationsGetNoToken() throws Exception {
		authenticateCaller("caller-token");
		RestClient client = client(interceptor(() -> Optional.of("service-token"), this.base + "/api"));
		for (String path : List.of("/apis", "/other", "/api/../admin")) {
			client.get().uri(this.base + path).retrieve().toBodilessEntity();
			assertThat(lastRequest()).as(path).doesNotContainKey("Authorization");
		}
		TenantCredentialsInterceptor trusting = interceptor(Optional::empty, "http://127.0.0.1/");
		assertThat(trusting.isTrusted(URI.create("http://127.0.0.1.evil.example/"))).isFalse();
		assertThat(trusting.isTrusted(URI.create("https://127.0.0.1/"))).isFalse();
		assertThat(trusting.isTrusted(URI.create("http://127.0.0.1:8080/"))).isFalse();
		assertThat(trusting.isTrusted(URI.create("http://user@127.0.0.1/"))).isFalse();
		assertThat(trusting.isTrusted(URI.create("http://127.0.0.1:80/x"))).isTrue();
	}

	@Test
	void aTenantHeaderNeverLeavesWithoutACredential() throws Exception {
		RestClient client = client(interceptor(Optional::empty, this.base + "/"));
		assertThatThrownBy(() -> client.get().uri("/api").header("X-Tenant-ID", "acme").retrieve().toBodilessEntity())
			.isInstanceOf(BareTenantHeaderException.class)
			.hasMessageContaining("X-Tenant-ID");
		assertThatThrownBy(() -> client.get().uri("/api").header("x-client-id", "acme").retrieve().toBodilessEntity())
			.isInstanceOf(BareTenantHeaderException.class);
		assertThat(this.seen.poll(200, TimeUnit.MILLISECONDS)).as("nothing was sent").isNull();
		// with a credential the header may go along: the downstream checks it against the
		// token
		authenticateCaller("caller-token");
		client.get().uri("/api").header("X-Tenant-ID", "acme").retrieve().toBodilessEntity();
		assertThat(lastRequest()).containsKey("Authorization");
	}

	@Test
	void anAuthorizationTheApplicationSetItselfIsKept() throws Exception {
		authenticateCaller("caller-token");
		RestClient client = client(interceptor(Optional::empty, this.base + "/"));
		client.get().uri("/api").header("Authorization", "Basic dXNlcjpwYXNz").retrieve().toBodilessEntity();
		assertThat(lastRequest().get("Authorization")).containsExactly("Basic dXNlcjpwYXNz");
	}

}
