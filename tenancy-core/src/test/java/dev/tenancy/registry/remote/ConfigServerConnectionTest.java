package dev.tenancy.registry.remote;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.client.RestClient;

import dev.tenancy.TenantId;
import dev.tenancy.registry.TenantRegistryUnavailableException;
import dev.tenancy.test.FakeTenantApi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The connection is a {@link RestClient} built from the builder it is given (so an
 * application's instrumented builder applies), with URI templates rather than tenant ids
 * as its URIs, and its read timeout bounds the whole answer, body included.
 */
class ConfigServerConnectionTest {

	private final FakeTenantApi api = new FakeTenantApi();

	@AfterEach
	void stop() {
		this.api.close();
	}

	@Test
	void buildsOnTheGivenBuilderAndLeavesItUnchanged() {
		this.api.put("acme", "Acme Travel", "active", "{}");
		List<String> seen = new CopyOnWriteArrayList<>();
		RestClient.Builder builder = RestClient.builder().requestInterceptor((request, body, execution) -> {
			seen.add(request.getMethod() + " " + request.getURI().getPath());
			return execution.execute(request, body);
		});
		ConfigServerConnection connection = new ConfigServerConnection(builder, this.api.url(), FakeTenantApi.USERNAME,
				FakeTenantApi.PASSWORD, Duration.ofSeconds(1), Duration.ofSeconds(2));
		ConfigServerTenantRegistry registry = new ConfigServerTenantRegistry(connection, 10);
		assertThat(registry.find(TenantId.of("acme"))).isPresent();
		assertThat(seen).containsExactly("GET /tenants/acme");
		// the builder keeps its own request factory: the connection set its timeouts on a
		// clone
		AtomicBoolean defaultFactory = new AtomicBoolean();
		builder.requestFactory((uri, method) -> {
			defaultFactory.set(true);
			throw new IllegalStateException("not used");
		});
		assertThat(registry.find(TenantId.of("acme"))).isPresent();
		assertThat(defaultFactory).isFalse();
	}

	@Test
	void aBodyThatTricklesIsCutAtTheReadTimeout() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Thread trickler = Thread.ofVirtual().start(() -> trickle(server));
			ConfigServerConnection connection = new ConfigServerConnection(
					URI.create("http://127.0.0.1:" + server.getLocalPort()), null, null, Duration.ofMillis(500),
					Duration.ofMillis(600));
			long start = System.nanoTime();
			assertThatThrownBy(() -> new ConfigServerTenantRegistry(connection, 10).find(TenantId.of("acme")))
				.isInstanceOf(TenantRegistryUnavailableException.class);
			// headers came at once and a byte every 100 ms after: without a whole-answer
			// bound this
			// would take 20 s
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
			assertThat(connection.lastFailure()).isNotNull();
			trickler.interrupt();
		}
	}

	private static void trickle(ServerSocket server) {
		try (Socket socket = server.accept()) {
			InputStream in = socket.getInputStream();
			byte[] request = new byte[4096];
			in.read(request);
			OutputStream out = socket.getOutputStream();
			out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			for (int i = 0; i < 200; i++) {
				out.write(' ');
				out.flush();
				Thread.sleep(100);
			}
		}
		catch (Exception ex) {
			// the client went away: done
		}
	}

}
