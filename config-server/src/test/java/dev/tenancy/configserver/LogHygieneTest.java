package dev.tenancy.configserver;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.ClassUtils;

import dev.tenancy.configserver.support.TestEnvironmentPostProcessor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The config server's main flows (a configuration fetch with HTTP basic credentials and a
 * {@code {cipher}} value decrypted for it, a failed login, the tenant admin API with
 * {@code X-Admin-Token}, right and wrong, the tenant API) with every {@code dev.tenancy},
 * Spring Security and Spring Cloud Config logger at TRACE, written as the JSON lines
 * production writes (Logstash format, to a file of this class): every line parses, none
 * holds a credential, the cipher text, the decrypted value or the key, and the lines of a
 * request carry its {@code request_id} (and {@code trace_id}/{@code span_id} once tracing
 * is on the classpath).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "tenancy.admin.token=" + LogHygieneTest.ADMIN_TOKEN,
				// The console stays as the other tests' (text); the file gets the JSON.
				"logging.structured.format.file=logstash", "logging.file.name=" + LogHygieneTest.LOG_FILE,
				"logging.level.dev.tenancy=TRACE", "logging.level.org.springframework.security=TRACE",
				"logging.level.org.springframework.cloud.config=TRACE" })
class LogHygieneTest {

	static final String LOG_FILE = "target/log-hygiene/config-server.jsonl";

	static final String ADMIN_TOKEN = "adm-LOGS-cfg-3b7d1e9a0c";

	static final String WRONG_ADMIN_TOKEN = "adm-LOGS-cfg-3b7d1e9a0d";

	static final String CLIENT_SECRET = "s3cret-LOGS-sample-app-41";

	static final String WRONG_SECRET = "s3cret-LOGS-wrong-42";

	static final String CLIENT_HASH = new BCryptPasswordEncoder(4).encode(CLIENT_SECRET);

	/** The cipher text of config-repo/sample-app.yml's sample.demo-secret. */
	static final String CIPHER_TEXT = "e1fe740c106a50292b0270245133a1e8d412d202fa9aae037a39853a47f5686116e93eba6000eec7ce68bc398c7ffb8e";

	static final String DECRYPTED = "demo-secret-value-decrypted";

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@DynamicPropertySource
	static void clients(DynamicPropertyRegistry registry) {
		registry.add("tenancy.config-server.clients.sample-app.password", () -> "{bcrypt}" + CLIENT_HASH);
	}

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
		system.setLogLevel("org.springframework.cloud.config", null);
	}

	@Test
	void mainFlowsLogNoSecretAndTagEveryRequestLine() throws Exception {
		String basic = basic("sample-app", CLIENT_SECRET);
		String wrongBasic = basic("sample-app", WRONG_SECRET);
		List<String> secrets = List.of(ADMIN_TOKEN, WRONG_ADMIN_TOKEN, CLIENT_SECRET, WRONG_SECRET, CLIENT_HASH,
				CIPHER_TEXT, DECRYPTED, TestEnvironmentPostProcessor.DEMO_KEY, basic.substring(6),
				wrongBasic.substring(6));

		HttpResponse<String> config = send(
				get("/sample-app/default", "Authorization", basic, "X-Request-ID", "logs-config-1"));
		assertThat(config.statusCode()).isEqualTo(200);
		assertThat(config.body()).contains(DECRYPTED);
		assertThat(config.headers().firstValue("X-Request-ID")).hasValue("logs-config-1");
		assertThat(send(get("/sample-app/default", "Authorization", wrongBasic)).statusCode()).isEqualTo(401);

		HttpResponse<String> created = send(request("/admin/tenants", "X-Admin-Token", ADMIN_TOKEN, "Content-Type",
				"application/json", "X-Request-ID", "logs-admin-1")
			.POST(HttpRequest.BodyPublishers.ofString("""
					{"id":"logs-%d","displayName":"Log hygiene","config":{"plan":"standard"}}
					""".formatted(System.nanoTime() % 1_000_000)))
			.build());
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		String tenant = JSON.readTree(created.body()).path("id").asString();
		assertThat(send(get("/admin/tenants/" + tenant, "X-Admin-Token", WRONG_ADMIN_TOKEN)).statusCode())
			.isEqualTo(403);
		assertThat(send(get("/tenants/" + tenant, "Authorization", basic)).statusCode()).isEqualTo(200);
		HttpResponse<String> audit = send(get("/admin/tenants/" + tenant + "/audit", "X-Admin-Token", ADMIN_TOKEN));
		assertThat(audit.body()).as("the audit record names the logged request id").contains("logs-admin-1");

		List<JsonNode> lines = lines();
		assertThat(lines).as("JSON lines written").hasSizeGreaterThan(50);
		for (JsonNode line : lines) {
			for (String secret : secrets) {
				assertThat(line.toString()).as("a log line holds a secret").doesNotContain(secret);
			}
		}
		List<JsonNode> fetchLines = lines.stream()
			.filter((line) -> "logs-config-1".equals(line.path("request_id").asString(null)))
			.toList();
		assertThat(fetchLines).as("lines of the configuration fetch").isNotEmpty();
		if (ClassUtils.isPresent("io.micrometer.tracing.Tracer", null)) {
			for (JsonNode line : fetchLines) {
				assertThat(line.path("trace_id").asString("")).as("trace_id of %s", line).matches("[0-9a-f]{32}");
				assertThat(line.path("span_id").asString("")).as("span_id of %s", line).matches("[0-9a-f]{16}");
			}
		}
	}

	private HttpRequest get(String path, String... headers) {
		return request(path, headers).GET().build();
	}

	private HttpRequest.Builder request(String path, String... headers) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.header("Accept", "application/json");
		for (int i = 0; i < headers.length; i += 2) {
			builder.header(headers[i], headers[i + 1]);
		}
		return builder;
	}

	private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
		return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
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
