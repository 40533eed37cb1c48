package dev.tenancy.configserver;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The config server over real HTTP, default profile, with two test clients:
 * {@code sample-app} (bcrypt) and {@code billing} ({noop}).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "tenancy.config-server.clients.billing.password={noop}billing-secret")
class ConfigServerHttpTest {

	static final String SAMPLE_APP_SECRET = "s3cret-for-sample-app";

	static final String SAMPLE_APP_HASH = new BCryptPasswordEncoder(4).encode(SAMPLE_APP_SECRET);

	@DynamicPropertySource
	static void clients(DynamicPropertyRegistry registry) {
		registry.add("tenancy.config-server.clients.sample-app.password", () -> "{bcrypt}" + SAMPLE_APP_HASH);
	}

	@LocalServerPort
	int port;

	/**
	 * Actuator lives on its own port (management.server.port), never on the config port.
	 */
	@LocalManagementPort
	int managementPort;

	private HttpResponse<String> management(String path, String authorization) {
		return Http.get(managementPort, path, authorization);
	}

	private HttpResponse<String> get(String path, String authorization) {
		return Http.get(port, path, authorization);
	}

	private static String sampleApp() {
		return Http.basic("sample-app", SAMPLE_APP_SECRET);
	}

	@Test
	void servesSampleAppConfigurationToAnAuthenticatedClient() {
		HttpResponse<String> response = get("/sample-app/default", sampleApp());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
		JsonNode environment = Http.json(response);
		assertThat(environment.path("name").asString()).isEqualTo("sample-app");
		Map<String, JsonNode> sources = Http.propertySources(response);
		assertThat(sources).hasSize(2);
		String sampleAppSource = sources.keySet().iterator().next();
		assertThat(sampleAppSource).contains("config-repo/").endsWith("sample-app.yml");
		JsonNode properties = sources.get(sampleAppSource);
		assertThat(properties.path("tenancy.admin.api.enabled").asBoolean(false)).isTrue();
		assertThat(properties.path("tenancy.resolution.header.names[0]").asString()).isEqualTo("X-Client-ID");
		assertThat(properties.path("tenancy.resolution.header.names[1]").asString()).isEqualTo("X-Tenant-ID");
		assertThat(sources.keySet()).last().asString().contains("config-repo/").endsWith("application.yml");
	}

	@Test
	void acceptsEveryConfiguredClientWhateverItsEncoding() {
		HttpResponse<String> response = get("/billing/default", Http.basic("billing", "billing-secret"));

		assertThat(response.statusCode()).isEqualTo(200);
		// billing has no file of its own: it gets the shared application.yml through the
		// normal merge
		assertThat(Http.propertySourceNames(response)).singleElement()
			.satisfies((name) -> assertThat(name).contains("config-repo/").endsWith("/application.yml"));
	}

	@Test
	void aClientCannotReadAnotherServicesConfiguration() {
		HttpResponse<String> response = get("/sample-app/default", Http.basic("billing", "billing-secret"));

		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.body()).doesNotContain("X-Client-ID", "propertySources");
	}

	@Test
	void servesTheDecryptedSecret() {
		HttpResponse<String> response = get("/sample-app/default", sampleApp());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Http.propertySources(response).values())
			.anySatisfy((source) -> assertThat(source.path("sample.demo-secret").asString())
				.isEqualTo("demo-secret-value-decrypted"));
		assertThat(response.body()).doesNotContain("{cipher}").doesNotContain("invalid.");
	}

	@Test
	void rejectsARequestWithoutCredentials() {
		HttpResponse<String> response = get("/sample-app/default", null);

		assertUnauthorized(response);
		assertThat(response.body()).doesNotContain("X-Client-ID");
	}

	@Test
	void rejectsAWrongPassword() {
		HttpResponse<String> response = get("/sample-app/default", Http.basic("sample-app", "not-the-secret"));

		assertUnauthorized(response);
		assertThat(response.body()).doesNotContain("X-Client-ID");
	}

	@Test
	void rejectsAnotherClientsPassword() {
		assertUnauthorized(get("/sample-app/default", Http.basic("sample-app", "billing-secret")));
	}

	@Test
	void rejectsAnUnknownClient() {
		assertUnauthorized(get("/sample-app/default", Http.basic("intruder", SAMPLE_APP_SECRET)));
	}

	@Test
	void matchesClientNamesExactly() {
		assertUnauthorized(get("/sample-app/default", Http.basic("SAMPLE-APP", SAMPLE_APP_SECRET)));
	}

	@Test
	void rejectsTheEncodedPasswordItself() {
		assertUnauthorized(get("/sample-app/default", Http.basic("sample-app", "{bcrypt}" + SAMPLE_APP_HASH)));
		assertUnauthorized(get("/sample-app/default", Http.basic("billing", "{noop}billing-secret")));
	}

	@ParameterizedTest
	@ValueSource(strings = { "Basic !!!not-base64!!!", "Basic ", "Bearer abc.def.ghi",
			"Basic " + "c2FtcGxlLWFwcA==" /* "sample-app" without ':' */ })
	void rejectsMalformedAuthorizationWith401(String authorization) {
		assertUnauthorized(get("/sample-app/default", authorization));
	}

	@Test
	void healthShowsOperatorsItsComponentsAndDetailsOnTheManagementPort() {
		HttpResponse<String> response = management("/actuator/health", null);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode health = Http.json(response);
		assertThat(health.path("status").asString()).isEqualTo("UP");
		JsonNode components = health.path("components");
		assertThat(components.propertyNames()).contains("tenancyRegistry", "configServer", "db", "diskSpace");
		// the registry's state: its tenants, its cache, its change listener
		JsonNode registry = components.path("tenancyRegistry").path("details");
		assertThat(registry.has("tenants")).as(registry.toString()).isTrue();
		assertThat(registry.has("cached")).as(registry.toString()).isTrue();
		assertThat(registry.path("changeListener").asString()).isEqualTo("listening");
		assertNoSecret(response.body());
	}

	@ParameterizedTest
	@ValueSource(strings = { "/actuator/health/liveness", "/actuator/health/readiness" })
	void probesAreOpen(String path) {
		HttpResponse<String> response = management(path, null);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Http.json(response).path("status").asString()).isEqualTo("UP");
		assertNoSecret(response.body());
	}

	@Test
	void readinessShowsTheRegistryAndLivenessNoDependency() {
		assertThat(Http.json(management("/actuator/health/readiness", null)).path("components").propertyNames())
			.contains("tenancyRegistry");
		assertThat(Http.json(management("/actuator/health/liveness", null)).path("components").propertyNames())
			.doesNotContain("tenancyRegistry", "db", "configServer");
	}

	@Test
	void eachHealthComponentIsReachableOnTheManagementPortOnly() {
		HttpResponse<String> registry = management("/actuator/health/tenancyRegistry", null);
		assertThat(registry.statusCode()).as(registry.body()).isEqualTo(200);
		assertThat(Http.json(registry).path("details").has("tenants")).isTrue();
		assertThat(management("/actuator/health/diskSpace", null).statusCode()).isEqualTo(200);
		for (String path : new String[] { "/actuator/health/tenancyRegistry", "/actuator/health/diskSpace" }) {
			HttpResponse<String> public_ = get(path, sampleApp());
			assertThat(public_.statusCode()).as(path).isIn(401, 403, 404);
			assertThat(public_.body()).as(path).doesNotContain("tenancyRegistry", "diskSpace", "\"details\"");
		}
	}

	/** Health details name dependencies and counts, never a credential. */
	private static void assertNoSecret(String body) {
		assertThat(body).doesNotContain(SAMPLE_APP_SECRET, SAMPLE_APP_HASH, "billing-secret", "password", "{cipher}");
	}

	@Test
	void prometheusIsScrapedFromTheManagementPortWithoutCredentials() throws Exception {
		// as Prometheus asks, without any credential
		HttpResponse<String> scrape = java.net.http.HttpClient.newHttpClient()
			.send(java.net.http.HttpRequest
				.newBuilder(java.net.URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
				.header("Accept", "text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
				.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(scrape.statusCode()).as(scrape.body()).isEqualTo(200);
		assertThat(scrape.body()).contains("# TYPE jvm_memory_used_bytes gauge");
		// never on the configuration port
		assertUnauthorized(get("/actuator/prometheus", null));
		HttpResponse<String> authenticated = get("/actuator/prometheus", sampleApp());
		assertThat(authenticated.statusCode()).isIn(403, 404);
		assertThat(authenticated.body()).doesNotContain("jvm_");
	}

	@Test
	void infoNeedsAuthentication() {
		assertUnauthorized(management("/actuator/info", null));
		assertThat(management("/actuator/info", sampleApp()).statusCode()).isEqualTo(200);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/actuator/health", "/actuator/info", "/actuator/health/liveness" })
	void actuatorIsNotOnTheConfigPort(String path) {
		HttpResponse<String> anonymous = get(path, null);
		HttpResponse<String> authenticated = get(path, sampleApp());

		assertUnauthorized(anonymous);
		assertThat(authenticated.statusCode()).as(path).isIn(403, 404);
		assertThat(authenticated.body()).as(path).doesNotContain("\"status\":\"UP\"", "propertySources");
		assertThat(managementPort).isNotEqualTo(port);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/actuator", "/actuator/env", "/actuator/configprops", "/actuator/beans",
			"/actuator/env/tenancy.config-server.clients.sample-app.password", "/actuator/refresh",
			"/actuator/busenv" })
	void otherActuatorPathsAreClosedAndNeverServedAsConfiguration(String path) {
		assertUnauthorized(get(path, null));

		HttpResponse<String> authenticated = get(path, sampleApp());
		assertThat(authenticated.statusCode()).as(path).isIn(403, 404);
		assertThat(authenticated.body()).doesNotContain("propertySources", "config-repo", "$2a$");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/application/default", "/application/local", "/config-server/default",
			"/config-server/local", "/config-server/native", "/application/native,local", "/sample-app/local",
			"/application-local.yml", "/application-local.properties", "/config-server-local.yml",
			"/sample-app/default/master/application-local.yml", "/sample-app/default/master/application.yml" })
	void neverServesTheServersOwnConfiguration(String path) {
		HttpResponse<String> response = get(path, sampleApp());

		assertThat(response.statusCode()).as(path).isLessThan(500);
		assertThat(response.body()).as(path)
			.doesNotContain("tenancy.config-server")
			.doesNotContain("config-server:")
			.doesNotContain("$2a$")
			.doesNotContain("billing-secret")
			.doesNotContain("search-locations")
			.doesNotContain("SERVER_PORT");
	}

	/**
	 * Names that must not reach another application's configuration, or crash the server.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "/..%2f..%2fetc/default", "/..%2F..%2Fetc%2Fpasswd/default", "/..%252f..%252fetc/default",
			"/..%2fsample-app/default", "/%2e%2e%2fsample-app/default", "/a,b/default", "/a(_)b/default",
			"/..%2f..%2fapplication-local/default", "/nobody/default", "/%00/default", "/a%5cb/default" })
	void hostileApplicationNamesGetNothingFromOtherApplications(String path) {
		HttpResponse<String> response = get(path, sampleApp());

		assertThat(response.statusCode()).as(path).isLessThan(500);
		assertThat(response.body()).as(path).doesNotContain("root:").doesNotContain("X-Client-ID");
		if (response.statusCode() == 200) {
			// only the shared file, which every client gets anyway
			assertThat(Http.propertySourceNames(response)).as(path)
				.allSatisfy((name) -> assertThat(name).contains("config-repo/").endsWith("/application.yml"));
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "/sample-app/..%2f..%2fetc/default", "/sample-app/default/..%2f..%2f",
			"/sample-app/default/..%2f..%2fetc", "/sample-app/default/master/..%2f..%2fapplication-local.yml",
			"/sample-app/default/master/..%252f..%252fapplication-local.yml", "/sample-app/a(_)b",
			"/sample-app/default/%2e%2e" })
	void hostileProfilesLabelsAndPathsDoNotCrashOrLeak(String path) {
		HttpResponse<String> response = get(path, sampleApp());

		assertThat(response.statusCode()).as(path).isLessThan(500);
		assertThat(response.body()).as(path)
			.doesNotContain("root:")
			.doesNotContain("$2a$")
			.doesNotContain("tenancy.config-server");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/..%2f..%2fetc/default", "/a,b/default", "/sample-app,application/default",
			"/sample-app/default/master/sample-app.yml", "/sample-app-default.yml", "/sample-app-default.properties",
			"/sample-app-default.json", "/encrypt/status", "/key" })
	void everyConfigPathNeedsAuthentication(String path) {
		HttpResponse<String> response = get(path, null);

		assertThat(response.statusCode()).as(path).isIn(400, 401);
		assertThat(response.body()).as(path).doesNotContain("X-Client-ID");
	}

	@Test
	void isStateless() {
		HttpResponse<String> response = get("/sample-app/default", sampleApp());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
	}

	private static void assertUnauthorized(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate"))
			.hasValueSatisfying((value) -> assertThat(value).startsWith("Basic realm=\"config-server\""));
	}

}
