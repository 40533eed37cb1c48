package dev.tenancy.configserver;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.jdbc.JdbcTenantRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The config server continues its callers' traces (the sample app's tenant lookups and
 * configuration fetches send {@code traceparent}), with spans exported in-process; with
 * no OTLP endpoint configured no OTLP exporter exists and nothing about exporting is
 * logged.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "tenancy.config-server.clients.sample-app.password={noop}sample-secret",
				"management.tracing.sampling.probability=1.0",
				"management.opentelemetry.tracing.export.schedule-delay=50ms" })
@ExtendWith(OutputCaptureExtension.class)
class TracingTest {

	private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final String CLIENT_AUTH = "Basic "
			+ Base64.getEncoder().encodeToString("sample-app:sample-secret".getBytes(StandardCharsets.UTF_8));

	@LocalServerPort
	int port;

	@Autowired
	InMemorySpanExporter spans;

	@Autowired
	JdbcTenantRegistry registry;

	@Autowired
	ApplicationContext context;

	@Test
	void tenantLookupsAndConfigurationFetchesJoinTheCallersTrace(CapturedOutput output) throws Exception {
		String id = "traced-" + UUID.randomUUID().toString().substring(0, 8);
		this.registry.create(TenantId.of(id), "Traced", new TenantConfig(null, null, null, null, null, null),
				new TenantChange("test", null));

		String lookupTrace = "5af7651916cd43dd8448eb211c80319c";
		assertThat(get("/tenants/" + id, lookupTrace).statusCode()).isEqualTo(200);
		String configTrace = "6af7651916cd43dd8448eb211c80319c";
		assertThat(get("/sample-app/default", configTrace).statusCode()).isEqualTo(200);

		assertThat(serverSpan(lookupTrace).getName()).isEqualTo("http get /tenants/{id}");
		assertThat(serverSpan(configTrace).getName()).startsWith("http get");
		assertThat(serverSpan(lookupTrace).getParentSpanId()).isEqualTo("b7ad6b7169203331");

		assertThat(this.context.getBeansOfType(SpanExporter.class)).containsOnlyKeys("inMemorySpanExporter");
		// Whole words and the port as an address: the captured output also holds other
		// contexts' logs, whose timestamps and ids may contain the digits 4318 by chance.
		assertThat(output.getAll()).doesNotContainPattern("(?i)\\botlp")
			.doesNotContain("Failed to export")
			.doesNotContain(":4318");
	}

	private SpanData serverSpan(String traceId) {
		return await().atMost(Duration.ofSeconds(10))
			.until(() -> this.spans.getFinishedSpanItems()
				.stream()
				.filter((span) -> span.getTraceId().equals(traceId))
				.filter((span) -> span.getAttributes().get(AttributeKey.stringKey("http.url")) != null
						|| span.getName().startsWith("http "))
				.toList(), (found) -> !found.isEmpty())
			.get(0);
	}

	private HttpResponse<String> get(String path, String traceId) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.header("Authorization", CLIENT_AUTH)
			.header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01")
			.GET()
			.build();
		return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class InMemoryTracing {

		@Bean
		InMemorySpanExporter inMemorySpanExporter() {
			return InMemorySpanExporter.create();
		}

	}

}
