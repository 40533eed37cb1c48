package dev.tenancy.sample;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.scheduling.annotation.Async;
import org.springframework.test.context.ActiveProfiles;

import dev.tenancy.TenantId;
import dev.tenancy.registry.CachingTenantRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The spans of a tenant's request, exported in-process: one trace (the caller's, from its
 * {@code traceparent}) holds the request, the tenant resolution, the registry lookup with
 * its cache outcome, the rate-limit decision and its Redis call, each carrying the tenant
 * as {@code tenant_id}, and the database work (Datasource Micrometer's connection and
 * query spans); the trace crosses {@code @Async} and executor hops; and with no OTLP
 * endpoint configured no OTLP exporter exists and nothing about exporting is logged.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "management.opentelemetry.tracing.export.schedule-delay=50ms")
@ActiveProfiles("local")
@ExtendWith(OutputCaptureExtension.class)
class TracingTest {

	static final AttributeKey<String> TENANT_ID = AttributeKey.stringKey("tenant_id");

	static final AttributeKey<String> CACHE = AttributeKey.stringKey("cache");

	static final AttributeKey<String> FALLBACK = AttributeKey.stringKey("fallback");

	static final AttributeKey<String> SOURCE = AttributeKey.stringKey("source");

	@LocalServerPort
	int port;

	@Autowired
	InMemorySpanExporter spans;

	@Autowired
	ApplicationContext context;

	@Autowired
	ObservationRegistry observations;

	@Autowired
	Tracer tracer;

	@Autowired
	TraceEcho echo;

	@Autowired
	@Qualifier("applicationTaskExecutor")
	AsyncTaskExecutor executor;

	@BeforeEach
	void forgetSpans() {
		this.spans.reset();
	}

	@Test
	void aTenantRequestIsOneTraceOfReadableSpansCarryingTheTenant() {
		Api api = new Api(this.port);
		String token = api.token("acme-client");
		this.context.getBean(CachingTenantRegistry.class).invalidate(TenantId.of("acme"));
		String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";

		HttpResponse<String> miss = api.get("/api/tenant", "Authorization", Api.bearer(token), "traceparent",
				"00-" + traceId + "-00f067aa0ba902b7-01");
		HttpResponse<String> hit = api.get("/api/tenant", "Authorization", Api.bearer(token));
		assertThat(miss.statusCode()).isEqualTo(200);
		assertThat(hit.statusCode()).isEqualTo(200);

		Map<String, SpanData> trace = await().atMost(Duration.ofSeconds(10))
			.until(() -> spansOf(traceId), (found) -> found.containsKey("http get /api/tenant")
					&& found.containsKey("rate limit redis") && found.containsKey("rate limit decision"));
		assertThat(trace).containsKeys("tenant resolution", "tenant registry lookup");
		assertThat(trace.get("http get /api/tenant").getAttributes().get(TENANT_ID)).isEqualTo("acme");
		assertThat(trace.get("tenant resolution").getAttributes().get(TENANT_ID)).isEqualTo("acme");
		assertThat(trace.get("tenant resolution").getAttributes().get(AttributeKey.stringKey("outcome")))
			.isEqualTo("admitted");
		SpanData lookup = trace.get("tenant registry lookup");
		assertThat(lookup.getAttributes().get(TENANT_ID)).isEqualTo("acme");
		assertThat(lookup.getAttributes().get(CACHE)).isEqualTo("miss");
		assertThat(lookup.getParentSpanId()).isEqualTo(trace.get("tenant resolution").getSpanId());
		SpanData decision = trace.get("rate limit decision");
		assertThat(decision.getAttributes().get(TENANT_ID)).isEqualTo("acme");
		assertThat(decision.getAttributes().get(FALLBACK)).isEqualTo("none");
		assertThat(decision.getAttributes().get(SOURCE)).isEqualTo("redis");
		assertThat(trace.get("rate limit redis").getParentSpanId()).isEqualTo(decision.getSpanId());
		assertThat(trace.get("rate limit redis").getAttributes().get(AttributeKey.stringKey("outcome")))
			.isEqualTo("success");

		// the second request is another trace, answered from the cache
		SpanData secondLookup = await().atMost(Duration.ofSeconds(10))
			.until(() -> this.spans.getFinishedSpanItems()
				.stream()
				.filter((span) -> span.getName().equals("tenant registry lookup"))
				.filter((span) -> !span.getTraceId().equals(traceId))
				.findFirst(), Optional::isPresent)
			.get();
		assertThat(secondLookup.getAttributes().get(CACHE)).isEqualTo("hit");
	}

	@Test
	void theDatabaseWorkOfATenantRequestIsInItsTrace() {
		Api api = new Api(this.port);
		String token = api.token("acme-client");
		String traceId = "5cf92f3577b34da6a3ce929d0e0e4737";

		HttpResponse<String> trips = api.get("/api/trips", "Authorization", Api.bearer(token), "traceparent",
				"00-" + traceId + "-00f067aa0ba902b8-01");
		assertThat(trips.statusCode()).as(trips.body()).isEqualTo(200);

		Map<String, SpanData> trace = await().atMost(Duration.ofSeconds(10))
			.until(() -> spansOf(traceId), (found) -> found.containsKey("http get /api/trips")
					&& found.containsKey("query") && found.containsKey("connection"));
		// Datasource Micrometer's spans: the connection (the tenant's transaction on it)
		// and its queries, inside the request that did the work.
		SpanData request = trace.get("http get /api/trips");
		assertThat(request.getAttributes().get(TENANT_ID)).isEqualTo("acme");
		Map<String, SpanData> byId = this.spans.getFinishedSpanItems()
			.stream()
			.filter((span) -> span.getTraceId().equals(traceId))
			.collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
		for (String name : new String[] { "connection", "query" }) {
			SpanData span = trace.get(name);
			String parent = span.getParentSpanId();
			while (byId.containsKey(parent) && !parent.equals(request.getSpanId())) {
				parent = byId.get(parent).getParentSpanId();
			}
			assertThat(parent).as("%s is inside the request's span", name).isEqualTo(request.getSpanId());
		}
		// queries without their parameter values: the tenant id set on the transaction,
		// a trip's data
		this.spans.getFinishedSpanItems()
			.stream()
			.filter((span) -> span.getName().equals("query"))
			.forEach((query) -> assertThat(query.getAttributes().asMap().toString()).doesNotContain("acme"));
	}

	@Test
	void theTraceCrossesAsyncMethodsAndExecutorTasks() throws Exception {
		Observation parent = Observation.start("test.parent", this.observations);
		String expected;
		CompletableFuture<String> async;
		String executed;
		try (Observation.Scope scope = parent.openScope()) {
			expected = this.tracer.currentSpan().context().traceId();
			async = this.echo.traceIdAsync();
			executed = this.executor.submit(this::currentTraceId).get(10, TimeUnit.SECONDS);
		}
		finally {
			parent.stop();
		}
		assertThat(async.get(10, TimeUnit.SECONDS)).isEqualTo(expected);
		assertThat(executed).isEqualTo(expected);
		// and a task submitted outside any trace sees none
		assertThat(this.executor.submit(this::currentTraceId).get(10, TimeUnit.SECONDS)).isEqualTo("none");
	}

	@Test
	void withoutAnOtlpEndpointNoExporterExistsAndNothingIsLoggedAboutExporting(CapturedOutput output) {
		assertThat(this.context.getBeansOfType(SpanExporter.class)).containsOnlyKeys("inMemorySpanExporter");
		Api api = new Api(this.port);
		assertThat(api.get("/api/tenant", "Authorization", Api.bearer(api.token("globex-client"))).statusCode())
			.isEqualTo(200);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.spans.getFinishedSpanItems()
				.stream()
				.anyMatch((span) -> "globex".equals(span.getAttributes().get(TENANT_ID))));
		assertThat(output.getAll()).doesNotContainIgnoringCase("otlp")
			.doesNotContain("Failed to export")
			.doesNotContain("4318");
	}

	private String currentTraceId() {
		io.micrometer.tracing.Span span = this.tracer.currentSpan();
		return (span != null) ? span.context().traceId() : "none";
	}

	private Map<String, SpanData> spansOf(String traceId) {
		List<SpanData> finished = this.spans.getFinishedSpanItems();
		return finished.stream()
			.filter((span) -> span.getTraceId().equals(traceId))
			.collect(Collectors.toMap(SpanData::getName, Function.identity(), (first, second) -> first));
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class InMemoryTracing {

		@Bean
		InMemorySpanExporter inMemorySpanExporter() {
			return InMemorySpanExporter.create();
		}

		@Bean
		TraceEcho traceEcho(Tracer tracer) {
			return new TraceEcho(tracer);
		}

	}

	/** Reports the trace id an {@code @Async} method runs in. */
	static class TraceEcho {

		private final Tracer tracer;

		TraceEcho(Tracer tracer) {
			this.tracer = tracer;
		}

		@Async
		public CompletableFuture<String> traceIdAsync() {
			io.micrometer.tracing.Span span = this.tracer.currentSpan();
			return CompletableFuture.completedFuture((span != null) ? span.context().traceId() : "none");
		}

	}

}
