package dev.tenancy.sample;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Cloud Config fetches join the trace of whatever refreshes the configuration (a
 * bus refresh event, {@code /admin/monitor}, an operator's refresh): the fetch carries a
 * W3C {@code traceparent} of the current trace to the config server. The fetch at
 * start-up has no trace to join (no tracer exists yet) and carries none. A receiver on
 * loopback plays the config server's Config protocol and records what arrives.
 */
class ConfigFetchTracePropagationTest {

	/** Path and traceparent header of every request the receiver got. */
	private static final List<String[]> received = new CopyOnWriteArrayList<>();

	private static HttpServer receiver;

	private static ConfigurableApplicationContext app;

	@BeforeAll
	static void start() throws IOException {
		receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		receiver.createContext("/", ConfigFetchTracePropagationTest::answer);
		receiver.start();
		String url = "http://127.0.0.1:" + receiver.getAddress().getPort();
		app = new SpringApplicationBuilder(SampleApplication.class).profiles("local")
			.run(TestDatabase.args("server.port=0", "management.server.port=0",
					"spring.config.import=configserver:" + url, "spring.cloud.config.enabled=true",
					"spring.cloud.config.username=sample-app", "spring.cloud.config.password=not-checked-here",
					"spring.cloud.bus.enabled=false"));
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
	void aFetchOnRefreshCarriesTheRefreshersTrace() {
		assertThat(configFetches()).as("the fetch at start-up")
			.isNotEmpty()
			.allSatisfy((request) -> assertThat(request[1]).isEqualTo("null"));
		int before = configFetches().size();
		Tracer tracer = app.getBean(Tracer.class);
		Observation refresh = Observation.start("test.refresh", app.getBean(ObservationRegistry.class));
		String traceId;
		try (Observation.Scope scope = refresh.openScope()) {
			traceId = tracer.currentSpan().context().traceId();
			app.getBean(ContextRefresher.class).refresh();
		}
		finally {
			refresh.stop();
		}
		List<String[]> onRefresh = configFetches().subList(before, configFetches().size());
		assertThat(onRefresh).as("the fetches on refresh")
			.isNotEmpty()
			.allSatisfy((request) -> assertThat(request[1]).matches("00-" + traceId + "-[0-9a-f]{16}-01"));
	}

	private static List<String[]> configFetches() {
		return received.stream().filter((request) -> request[0].startsWith("/sample-app/")).toList();
	}

	private static void answer(HttpExchange exchange) throws IOException {
		String path = exchange.getRequestURI().getPath();
		received.add(new String[] { path, String.valueOf(exchange.getRequestHeaders().getFirst("traceparent")) });
		byte[] body = """
				{"name":"sample-app","profiles":["local"],"label":null,"version":null,"state":null,"propertySources":[]}"""
			.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, body.length);
		exchange.getResponseBody().write(body);
		exchange.close();
	}

}
