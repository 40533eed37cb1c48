package dev.tenancy.configserver.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-service authorization over a real port: {@code sample-app} may read only its own
 * configuration; {@code billing} has no file of its own but gets the shared one through
 * the merge.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "tenancy.config-server.clients.sample-app.password={noop}sample-secret",
				"tenancy.config-server.clients.billing.password={noop}billing-secret" })
class ConfigPathAuthorizationTest {

	private static final HttpClient CLIENT = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(5))
		.followRedirects(HttpClient.Redirect.NEVER)
		.build();

	@LocalServerPort
	int port;

	private HttpResponse<String> get(String rawPath, String user, String password) throws Exception {
		String credentials = Base64.getEncoder()
			.encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + rawPath))
			.header("Authorization", "Basic " + credentials)
			.timeout(Duration.ofSeconds(30))
			.GET()
			.build();
		return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> asSampleApp(String rawPath) throws Exception {
		return get(rawPath, "sample-app", "sample-secret");
	}

	private static void assertRefused(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.uri().toString()).isIn(400, 403);
		assertThat(response.body()).as(response.uri().toString())
			.doesNotContain("propertySources", "X-Client-ID", "tenancy.", "demo-secret", "server.error");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/sample-app/default", "/sample-app/default,local", "/sample-app/default/main",
			"/sample-app-default.yml", "/sample-app-default.properties", "/sample-app-default.json",
			"/sample-app/sample-app-default.yml" })
	void ownConfigurationInEveryForm(String path) throws Exception {
		HttpResponse<String> response = asSampleApp(path);

		assertThat(response.statusCode()).as(path).isEqualTo(200);
		assertThat(response.body()).as(path).contains("X-Client-ID");
	}

	@Test
	void sharedConfigurationArrivesThroughTheMerge() throws Exception {
		HttpResponse<String> response = get("/billing/default", "billing", "billing-secret");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("config-repo/application.yml").doesNotContain("X-Client-ID");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/billing/default", "/billing-default.yml", "/sample-app/billing-default.yml",
			"/main/billing-default.yml", "/application/default", "/application-default.yml",
			"/application/default/main", "/billing/default/main/application.yml", "/nobody/default",
			// label form /{label}/{name}-{profiles}.yml is allowed only when the label
			// reading also names the caller
			"/main/sample-app-default.yml" })
	void anotherApplicationIsForbidden(String path) throws Exception {
		HttpResponse<String> response = asSampleApp(path);

		assertThat(response.statusCode()).as(path).isEqualTo(403);
		assertRefused(response);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/sample-app,billing/default", "/billing,sample-app/default", "/a,b/default",
			"/sample-app,application/default", "/sample-app(_)billing/default", "/sample-app/a(_)b",
			"/sample-app/default/a(_)b" })
	void commaListsAndSeparatorsAreRefused(String path) throws Exception {
		assertRefused(asSampleApp(path));
	}

	@ParameterizedTest
	@ValueSource(strings = { "/..%2fbilling/default", "/sample-app/..%2f..%2fbilling/default",
			"/sample-app%2f..%2fbilling/default", "/%2e%2e/billing/default",
			"/sample-app/%2e%2e/%2e%2e/billing/default", "/..%252fbilling/default",
			"/sample-app/default/..%2f..%2fbilling", "/sample-app/default/main/..%2f..%2fapplication.yml",
			"/sample-app/default/main/..%5c..%5capplication.yml", "/sample-app%00/default", "/sample-app;x=1/default",
			"/sample-app/./default", "/sample-app//default" })
	void encodedTraversalIsRefused(String path) throws Exception {
		assertRefused(asSampleApp(path));
	}

	@ParameterizedTest
	@ValueSource(strings = { "/Sample-App/default", "/SAMPLE-APP/default", "/-sample-app/default",
			"/sample_app/default", "/sample.app/default", "/s%C3%A4mple-app/default", "/sample-%E2%80%8Bapp/default" })
	void namesOutsideTheSyntaxAreRefused(String path) throws Exception {
		assertRefused(asSampleApp(path));
	}

	@Test
	void overLongNamesAreRefused() throws Exception {
		assertRefused(asSampleApp("/" + "a".repeat(65) + "/default"));
		assertRefused(asSampleApp("/" + "a".repeat(5000) + "/default"));
		// a client by that name cannot even exist (names are validated at start-up): 401
		HttpResponse<String> unknown = get("/" + "a".repeat(65) + "/default", "a".repeat(65), "x");
		assertThat(unknown.statusCode()).isEqualTo(401);
		assertThat(unknown.body()).doesNotContain("propertySources");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/encrypt", "/decrypt", "/encrypt/status", "/key", "/encrypt/sample-app/default" })
	void encryptionEndpointsAreClosedToClients(String path) throws Exception {
		HttpResponse<String> response = asSampleApp(path);

		assertThat(response.statusCode()).as(path).isEqualTo(403);
	}

	@Test
	void encryptCannotBePosted() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/encrypt"))
			.header("Authorization",
					"Basic " + Base64.getEncoder()
						.encodeToString("sample-app:sample-secret".getBytes(StandardCharsets.UTF_8)))
			.POST(HttpRequest.BodyPublishers.ofString("hello"))
			.build();
		HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.body()).doesNotContain("hello");
	}

	@Test
	void unitRulesForTheRawPath() {
		assertThat(ConfigPathAuthorizationManager.isAllowed("sample-app", "/sample-app/default")).isTrue();
		assertThat(ConfigPathAuthorizationManager.isAllowed("sample-app", "/sample-app-dev-eu.yml")).isFalse();
		assertThat(ConfigPathAuthorizationManager.isAllowed("application", "/application/default")).isFalse();
		assertThat(ConfigPathAuthorizationManager.isAllowed("Sample", "/Sample/default")).isFalse();
		assertThat(ConfigPathAuthorizationManager.isAllowed("sample-app", "/sample-app/default/main/x/../y")).isFalse();
	}

}
