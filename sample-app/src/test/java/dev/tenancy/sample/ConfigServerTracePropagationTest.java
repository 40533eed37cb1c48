package dev.tenancy.sample;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trace of a tenant's request reaches the config server: with
 * {@code tenancy.registry.source=config-server}, the registry's call to the tenant API
 * carries a W3C {@code traceparent} of the caller's trace. A tiny receiver on loopback
 * plays the config server's tenant API and records what arrives.
 */
class ConfigServerTracePropagationTest {

	private static final int PORT = 55511;

	private static final String TENANT = """
			{"id":"acme","displayName":"Acme Travel","status":"active","version":1,
			 "config":{"plan":"standard","rateLimit":{"limit":1000,"window":"PT1M","burst":1000,
			 "perUser":{"limit":100,"window":"PT1M"}},"features":["trips"]}}""";

	/** Path and traceparent header of every request the receiver got. */
	private static final List<String[]> received = new CopyOnWriteArrayList<>();

	private static HttpServer receiver;

	private static ConfigurableApplicationContext app;

	@BeforeAll
	static void start() throws IOException {
		receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", PORT), 0);
		receiver.createContext("/", ConfigServerTracePropagationTest::answer);
		receiver.start();
		app = new SpringApplicationBuilder(SampleApplication.class).profiles("local")
			.run(TestDatabase.args("server.port=0", "tenancy.registry.source=config-server",
					"tenancy.registry.config-server.url=http://127.0.0.1:" + PORT,
					"tenancy.registry.config-server.username=sample-app",
					"tenancy.registry.config-server.password=not-checked-here"));
	}

	@AfterAll
	static void stop() {
		try {
			if (app != null) {
				app.close();
			}
		}
		finally {
			receiver.stop(0);
		}
	}

	@Test
	void theTenantLookupCarriesTheCallersTraceToTheConfigServer() {
		Api api = new Api(((WebServerApplicationContext) app).getWebServer().getPort());
		String token = api.token("acme-client");
		String traceId = "0af7651916cd43dd8448eb211c80319c";
		HttpResponse<String> response = api.get("/api/tenant", "Authorization", Api.bearer(token), "traceparent",
				"00-" + traceId + "-b7ad6b7169203331-01");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(received).filteredOn((request) -> request[0].equals("/tenants/acme"))
			.isNotEmpty()
			.allSatisfy((request) -> assertThat(request[1]).matches("00-" + traceId + "-[0-9a-f]{16}-01")
				.doesNotContain("b7ad6b7169203331"));
	}

	private static void answer(HttpExchange exchange) throws IOException {
		String path = exchange.getRequestURI().getPath();
		received.add(new String[] { path, String.valueOf(exchange.getRequestHeaders().getFirst("traceparent")) });
		String body = switch (path) {
			case "/tenants/changes/latest" -> "{\"cursor\":0}";
			case "/tenants/changes" -> "{\"cursor\":0,\"changes\":[]}";
			case "/tenants/acme" -> TENANT;
			default -> null;
		};
		byte[] bytes = (body != null) ? body.getBytes(StandardCharsets.UTF_8) : new byte[0];
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders((body != null) ? 200 : 404, (bytes.length > 0) ? bytes.length : -1);
		exchange.getResponseBody().write(bytes);
		exchange.close();
	}

}
