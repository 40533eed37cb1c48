package dev.tenancy.sample;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app's main flows (token requests, a failed login, API calls, admin calls with
 * {@code X-Admin-Token}, a 500) with every {@code dev.tenancy} and Spring Security logger
 * at TRACE, written as the JSON lines production writes (Boot's Logstash format, to a
 * file of this class): every line parses as JSON, no line holds a secret of those flows
 * anywhere, and the lines of a tenant's request carry {@code tenant_id} and
 * {@code request_id} (and {@code trace_id}/{@code span_id} once tracing is on the
 * classpath) as fields, the 500's line its {@code correlation_id}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tenancy.admin.token=" + LogHygieneTest.ADMIN_TOKEN,
				// The console stays as the other tests' (text); the file gets the JSON.
				"logging.structured.format.file=logstash", "logging.file.name=" + LogHygieneTest.LOG_FILE,
				"logging.level.dev.tenancy=TRACE", "logging.level.org.springframework.security=TRACE" })
@ActiveProfiles("local")
@Import(FailingEndpoint.class)
class LogHygieneTest {

	static final String LOG_FILE = "target/log-hygiene/sample-app.jsonl";

	static final String ADMIN_TOKEN = "adm-LOGS-bootstrap-5e1f0c7a9d";

	static final String WRONG_ADMIN_TOKEN = "adm-LOGS-bootstrap-5e1f0c7a9e";

	static final String WRONG_SECRET = "wrong-secret-LOGS-77b1";

	/** The app role's password of the local profile (application-local.yml). */
	static final String DATASOURCE_PASSWORD = "travel-app-local-only";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@BeforeAll
	static void freshLogFile() throws IOException {
		// Before the context starts (it is this class's own): only this run's lines.
		Files.deleteIfExists(Path.of(LOG_FILE));
	}

	@AfterAll
	static void quietAgain() {
		// Later test classes reuse cached contexts, which do not reconfigure logging.
		LoggingSystem system = LoggingSystem.get(LogHygieneTest.class.getClassLoader());
		system.setLogLevel("dev.tenancy", null);
		system.setLogLevel("org.springframework.security", null);
	}

	@Test
	void mainFlowsLogNoSecretAndTagEveryTenantLine() throws Exception {
		Api api = new Api(this.port);
		List<String> secrets = new ArrayList<>(List.of(ADMIN_TOKEN, WRONG_ADMIN_TOKEN, WRONG_SECRET,
				DATASOURCE_PASSWORD, Api.secretOf("acme-client"), Api.secretOf("ops-client"),
				basic("acme-client", Api.secretOf("acme-client")), basic("acme-client", WRONG_SECRET)));

		// Token requests: one granted, one failed login.
		HttpResponse<String> granted = api.tokenRequestBasic("acme-client", Api.secretOf("acme-client"),
				"grant_type=client_credentials");
		assertThat(granted.statusCode()).isEqualTo(200);
		String token = Api.json(granted).path("access_token").asString();
		secrets.add(token);
		secrets.add(token.substring(token.lastIndexOf('.') + 1));
		assertThat(api.tokenRequestBasic("acme-client", WRONG_SECRET, "grant_type=client_credentials").statusCode())
			.isEqualTo(401);
		String opsToken = Api
			.json(api.tokenRequestBasic("ops-client", Api.secretOf("ops-client"), "grant_type=client_credentials"))
			.path("access_token")
			.asString();
		secrets.add(opsToken);

		// API calls of a tenant, one with the caller's request id.
		HttpResponse<String> created = api.postJson("/api/trips", """
				{"name":"Log hygiene","destination":"Oslo","startDate":"2030-05-01","endDate":"2030-05-03"}
				""", "Authorization", Api.bearer(token), "X-Request-ID", "logs-create-1");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		assertThat(created.headers().firstValue("X-Request-ID")).hasValue("logs-create-1");
		assertThat(api.get("/api/trips", "Authorization", Api.bearer(token)).statusCode()).isEqualTo(200);
		assertThat(api.get("/api/trips", "Authorization", Api.bearer(token), "X-Request-ID", "not sane; <script>")
			.headers()
			.firstValue("X-Request-ID")).hasValueSatisfying((id) -> assertThat(id).matches("[0-9a-f-]{36}"));
		assertThat(api.get("/api/trips", "Authorization", "Bearer " + token + "x").statusCode()).isEqualTo(401);

		// Admin calls: the bootstrap token, a wrong one, an admin JWT.
		assertThat(api.get("/admin/tenants/acme", "X-Admin-Token", ADMIN_TOKEN).statusCode()).isEqualTo(200);
		assertThat(api.get("/admin/tenants/acme", "X-Admin-Token", WRONG_ADMIN_TOKEN).statusCode()).isEqualTo(403);
		assertThat(api.get("/admin/tenants/acme", "Authorization", Api.bearer(opsToken)).statusCode()).isEqualTo(200);

		// A 500 of a tenant's request.
		HttpResponse<String> failed = api.get("/api/test/fail", "Authorization", Api.bearer(token), "X-Request-ID",
				"logs-fail-1");
		assertThat(failed.statusCode()).isEqualTo(500);
		assertThat(failed.headers().firstValue("X-Request-ID")).hasValue("logs-fail-1");
		String correlationId = Api.json(failed).path("correlationId").asString();

		List<JsonNode> lines = lines();
		assertThat(lines).as("JSON lines written").hasSizeGreaterThan(50);
		for (JsonNode line : lines) {
			for (String secret : secrets) {
				assertThat(line.toString()).as("a log line holds a secret").doesNotContain(secret);
			}
		}

		JsonNode error = lines.stream()
			.filter((line) -> correlationId.equals(line.path("correlation_id").asString(null)))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no line with correlation_id " + correlationId));
		assertThat(error.path("level").asString()).isEqualTo("ERROR");
		assertThat(fields(error)).containsEntry("tenant_id", "acme").containsEntry("request_id", "logs-fail-1");
		assertThat(error.path("message").asString()).doesNotContain("tenant_id").doesNotContain("trace_id");
		assertThat(error.path("stack_trace").asString()).contains("IllegalStateException");

		List<JsonNode> tenantLines = lines.stream()
			.filter((line) -> "acme".equals(line.path("tenant_id").asString(null)))
			.toList();
		assertThat(tenantLines).as("lines logged for tenant acme").isNotEmpty();
		for (JsonNode line : tenantLines) {
			assertThat(line.path("request_id").asString("")).as("request_id of %s", line).isNotBlank();
			if (ClassUtils.isPresent("io.micrometer.tracing.Tracer", null)) {
				assertThat(line.path("trace_id").asString("")).as("trace_id of %s", line).matches("[0-9a-f]{32}");
				assertThat(line.path("span_id").asString("")).as("span_id of %s", line).matches("[0-9a-f]{16}");
			}
		}
		assertThat(lines).as("lines of the request logs-create-1")
			.anySatisfy((line) -> assertThat(fields(line)).containsEntry("request_id", "logs-create-1")
				.containsEntry("tenant_id", "acme"));
	}

	private static String basic(String client, String secret) {
		return Base64.getEncoder().encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8));
	}

	private static Map<String, String> fields(JsonNode line) {
		return Map.of("tenant_id", line.path("tenant_id").asString(""), "request_id",
				line.path("request_id").asString(""));
	}

	private static List<JsonNode> lines() throws IOException {
		List<JsonNode> lines = new ArrayList<>();
		for (String text : Files.readAllLines(Path.of(LOG_FILE), StandardCharsets.UTF_8)) {
			if (!text.isBlank()) {
				lines.add(JSON.readTree(text));
			}
		}
		return lines;
	}

}
