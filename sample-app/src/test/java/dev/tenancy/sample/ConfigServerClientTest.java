package dev.tenancy.sample;

import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * The sample app as a real Spring Cloud Config client of the REAL config server (the
 * config-server module's executable jar, started as a separate process on loopback with
 * its {@code local} profile and the test database): configuration with a decrypted
 * secret, wrong and foreign credentials, a corrupt {@code '{cipher}'} value, and tenants
 * through the tenant API in {@code tenancy.registry.source=config-server} mode, across a
 * config server outage.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfigServerClientTest {

	private static final String ADMIN_TOKEN = "local-demo-admin-token";

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private static ConfigServer server;

	private static ConfigurableApplicationContext app;

	@BeforeAll
	static void startConfigServer() throws Exception {
		ConfigServer.jar();
		// The shared local (JDBC registry) instance: migrates the test database as the
		// owner and, on an
		// empty registry, imports the shipped tenants (acme among them), as a first local
		// start does.
		SecondInstance.context();
		server = ConfigServer.start("main",
				List.of("--tenancy.config-server.clients.billing.password={noop}billing-secret"));
	}

	@AfterAll
	static void stop() {
		try {
			if (app != null) {
				app.close();
			}
		}
		finally {
			if (server != null) {
				server.stop();
			}
		}
	}

	@Test
	@Order(1)
	void theSampleAppReceivesItsConfigurationWithTheDecryptedSecret() {
		ConfigurableApplicationContext context = app();
		assertThat(context.getEnvironment().getProperty("sample.demo-secret")).isEqualTo("demo-secret-value-decrypted");
		assertThat(context.getEnvironment().getProperty("tenancy.registry.source")).isEqualTo("config-server");
		assertThat(context.getEnvironment().getPropertySources().stream().map((source) -> source.getName()))
			.anyMatch((name) -> name.contains("configserver"));
		// The config server's shared configuration does not hide the app's health details
		// from its operators on the management port.
		HttpResponse<String> health = Api.management(context).get("/actuator/health");
		assertThat(health.body()).contains("\"tenancyRegistry\"", "\"tenancyRateLimiter\"", "\"details\"");
	}

	@Test
	@Order(0)
	void theSampleAppFetchesItsConfigurationAndTenantsWithAServiceToken() throws Exception {
		// basic credentials of no client at all: only the token (client sample-app) can
		// work
		try (ConfigurableApplicationContext context = boot(server, "sample-app", "sample-app-secret",
				"spring.cloud.config.username=not-a-client", "tenancy.registry.config-server.username=not-a-client")) {
			assertThat(context.getEnvironment().getProperty("sample.demo-secret"))
				.isEqualTo("demo-secret-value-decrypted");
			assertThat(context.getEnvironment().getProperty("tenancy.registry.config-server.token.token-uri"))
				.isEqualTo(server.baseUrl() + "/oauth2/token");
			Api api = new Api(context.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
			awaitStatus(api, Api.bearer(api.token("acme-client")), "200", Duration.ofSeconds(5));
		}
	}

	@Test
	@Order(2)
	void withAWrongPasswordTheSampleAppDoesNotStart() {
		// the issuer refuses the client secret: no token, no configuration
		assertThatThrownBy(() -> boot(server, "sample-app", "not-the-password").close())
			.satisfies((ex) -> assertThat(chain(ex)).containsIgnoringCase("config").contains("invalid_client"));
		// HTTP basic (no token endpoint) is refused too
		assertThatThrownBy(() -> boot(server, "sample-app", "not-the-password", "CONFIG_SERVER_TOKEN_URI=").close())
			.satisfies(
					(ex) -> assertThat(chain(ex)).containsIgnoringCase("config").containsAnyOf("401", "Unauthorized"));
	}

	@Test
	@Order(3)
	void anotherServicesCredentialCannotReadTheSampleAppsConfiguration() throws Exception {
		HttpResponse<String> asBilling = HTTP.send(HttpRequest.newBuilder(server.uri("/sample-app/default"))
			.header("Authorization", basic("billing", "billing-secret"))
			.timeout(Duration.ofSeconds(10))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(asBilling.statusCode()).as(asBilling.body()).isEqualTo(403);
		assertThat(asBilling.body()).doesNotContain("demo-secret");

		// the issuer does not give billing the scope config:sample-app
		assertThatThrownBy(() -> boot(server, "billing", "billing-secret").close())
			.satisfies((ex) -> assertThat(chain(ex)).containsIgnoringCase("config").contains("invalid_scope"));
		// billing's own token does not read sample-app either
		HttpResponse<String> issued = HTTP.send(HttpRequest.newBuilder(server.uri("/oauth2/token"))
			.header("Authorization", basic("billing", "billing-secret"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=config:billing"))
			.timeout(Duration.ofSeconds(10))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
		String token = issued.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
		HttpResponse<String> withToken = HTTP.send(HttpRequest.newBuilder(server.uri("/sample-app/default"))
			.header("Authorization", "Bearer " + token)
			.timeout(Duration.ofSeconds(10))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(withToken.statusCode()).as(withToken.body()).isEqualTo(403);
		assertThat(withToken.body()).doesNotContain("demo-secret");
		// HTTP basic as billing, for the sample app's configuration: refused
		assertThatThrownBy(() -> boot(server, "billing", "billing-secret", "CONFIG_SERVER_TOKEN_URI=").close())
			.satisfies((ex) -> assertThat(chain(ex)).containsIgnoringCase("config").containsAnyOf("403", "Forbidden"));
	}

	@Test
	@Order(4)
	void aValueTheConfigServerCannotDecryptStopsTheStartUpNamingTheKey() throws Exception {
		Path repo = Files.createTempDirectory("config-repo-corrupt");
		Files.writeString(repo.resolve("sample-app.yml"), """
				sample:
				  corrupt-secret: '{cipher}zz'
				""");
		ConfigServer corrupt = ConfigServer.start("corrupt",
				List.of("--spring.cloud.config.server.native.search-locations=file:" + repo.toAbsolutePath() + "/"));
		try {
			HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(corrupt.managementUri("/actuator/health"))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(health.statusCode()).as(health.body()).isEqualTo(503);

			assertThatThrownBy(() -> boot(corrupt, "sample-app", "sample-app-secret").close())
				.satisfies((ex) -> assertThat(chain(ex)).contains("sample.corrupt-secret")
					.contains("could not decrypt")
					.doesNotContain("{cipher}zz"));
		}
		finally {
			corrupt.stop();
			try (var files = Files.list(repo)) {
				files.forEach((file) -> file.toFile().delete());
			}
			Files.deleteIfExists(repo);
		}
	}

	@Test
	@Order(5)
	void inConfigServerRegistryModeTheAppFollowsTheTenantApiAndSurvivesAnOutage() throws Exception {
		ConfigurableApplicationContext context = app();
		Api api = new Api(context.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
		// "e2e-" like the other end-to-end tenants, which checks of the shipped tenants
		// leave out
		String id = "e2e-cfg-" + UUID.randomUUID().toString().substring(0, 8);
		HttpResponse<String> created = admin("POST", "/admin/tenants", """
				{"id":"%s","displayName":"Config Server Voyages","config":{"plan":"standard","features":["trips"],
				 "rateLimit":{"limit":1000,"window":"PT1M"},"locale":"en-GB"}}""".formatted(id));
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		String token = Api.bearer(LocalTokens.forTenant(context, id));
		String acme = Api.bearer(api.token("acme-client"));
		try {
			// acme (imported by the local profile's first start) and the new tenant
			// resolve through the tenant API
			awaitStatus(api, acme, "200", Duration.ofSeconds(5));
			awaitStatus(api, token, "200", Duration.ofSeconds(5));

			// a suspension made through the config server's admin API reaches the app
			// within 2 s
			HttpResponse<String> suspended = admin("POST", "/admin/tenants/" + id + "/suspend", null);
			assertThat(suspended.statusCode()).as(suspended.body()).isEqualTo(200);
			awaitStatus(api, token, "403 tenant_suspended", Duration.ofSeconds(2));
			HttpResponse<String> resumed = admin("POST", "/admin/tenants/" + id + "/resume", null);
			assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
			awaitStatus(api, token, "200", Duration.ofSeconds(2));

			// config server down: known tenants are still served (last known good)
			server.stop();
			for (int i = 0; i < 5; i++) {
				assertThat(status(api, token)).isEqualTo("200");
				assertThat(status(api, acme)).isEqualTo("200");
				Thread.sleep(300);
			}

			// back again: the app follows its changes feed again
			server.restart();
			awaitStatus(api, token, "200", Duration.ofSeconds(5));
			HttpResponse<String> suspendedAgain = admin("POST", "/admin/tenants/" + id + "/suspend", null);
			assertThat(suspendedAgain.statusCode()).as(suspendedAgain.body()).isEqualTo(200);
			awaitStatus(api, token, "403 tenant_suspended", Duration.ofSeconds(10));
			assertThat(status(api, acme)).isEqualTo("200");
		}
		finally {
			if (server.isRunning()) {
				// a deletion needs the current version
				String version = admin("GET", "/admin/tenants/" + id, null).headers()
					.firstValue("ETag")
					.orElse("\"0\"");
				admin("DELETE", "/admin/tenants/" + id, null, "If-Match", version);
			}
		}
	}

	// --- helpers

	private static synchronized ConfigurableApplicationContext app() {
		if (app == null) {
			app = boot(server, "sample-app", "sample-app-secret");
		}
		return app;
	}

	private static ConfigurableApplicationContext boot(ConfigServer target, String username, String password,
			String... more) {
		List<String> args = new ArrayList<>(
				List.of("server.port=0", "CONFIG_SERVER_URL=" + target.baseUrl(), "CONFIG_SERVER_USERNAME=" + username,
						"CONFIG_SERVER_PASSWORD=" + password, "spring.cloud.config.request-read-timeout=10000",
						"tenancy.registry.config-server.poll-interval=200ms"));
		args.addAll(List.of(more));
		return new SpringApplicationBuilder(SampleApplication.class).profiles("local", "configserver")
			.run(TestDatabase.args(args.toArray(String[]::new)));
	}

	private static HttpResponse<String> admin(String method, String path, String body, String... headers)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path))
			.timeout(Duration.ofSeconds(20))
			.header("X-Admin-Token", ADMIN_TOKEN)
			.header("X-Request-ID", "cfg-test-" + UUID.randomUUID())
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)
					: HttpRequest.BodyPublishers.noBody());
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		for (int i = 0; i < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
	}

	private static void awaitStatus(Api api, String authorization, String expected, Duration limit)
			throws InterruptedException {
		long deadline = System.nanoTime() + limit.toNanos();
		String last;
		do {
			last = status(api, authorization);
			if (expected.equals(last)) {
				return;
			}
			// not faster: the tenant's per-user rate limit (100 a minute) must outlast
			// the waits
			Thread.sleep(150);
		}
		while (System.nanoTime() < deadline);
		fail("Expected '" + expected + "' within " + limit + " but the app still answered '" + last + "'");
	}

	private static String status(Api api, String authorization) {
		HttpResponse<String> response = api.get("/api/tenant", "Authorization", authorization);
		return (response.statusCode() == 200) ? "200" : response.statusCode() + " " + Api.code(response);
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	private static String chain(Throwable ex) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			messages.append(cause.getClass().getName()).append(": ").append(cause.getMessage()).append('\n');
		}
		return messages.toString();
	}

	/** A config-server process from the module's executable jar. */
	static final class ConfigServer {

		private final String name;

		private final List<String> extraArgs;

		private final int port;

		private final int managementPort;

		private final Path log;

		private Process process;

		private ConfigServer(String name, List<String> extraArgs) throws IOException {
			this(name, freePort(), freePort(), extraArgs);
		}

		private ConfigServer(String name, int port, int managementPort, List<String> extraArgs) throws IOException {
			this.name = name;
			this.extraArgs = extraArgs;
			this.port = port;
			this.managementPort = managementPort;
			this.log = Files.createTempFile("config-server-" + name + "-", ".log");
		}

		static ConfigServer start(String name, List<String> extraArgs) throws Exception {
			ConfigServer server = new ConfigServer(name, extraArgs);
			server.startProcess();
			return server;
		}

		/**
		 * A server on given ports (its issuer's address must be known before it starts).
		 */
		static ConfigServer start(String name, int port, int managementPort, List<String> extraArgs) throws Exception {
			ConfigServer server = new ConfigServer(name, port, managementPort, extraArgs);
			server.startProcess();
			return server;
		}

		static Path jar() {
			Path jar = Path.of("").toAbsolutePath().getParent().resolve("config-server/target/config-server.jar");
			if (!Files.isRegularFile(jar)) {
				fail("The config server's executable jar " + jar + " is missing: build it first, e.g. "
						+ "'mvn -o -q package -pl config-server -am -Dmaven.test.skip=true' (./mvnw verify packages it "
						+ "before sample-app's tests)");
			}
			return jar;
		}

		private void startProcess() throws Exception {
			TestDatabase.Settings db = TestDatabase.settings();
			List<String> command = new ArrayList<>();
			command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			command.add("-jar");
			command.add(jar().toString());
			command.add("--spring.profiles.active=local");
			command.add("--server.port=" + this.port);
			command.add("--server.address=127.0.0.1");
			command.add("--management.server.port=" + this.managementPort);
			command.add("--management.server.address=127.0.0.1");
			command.add("--spring.datasource.url=" + db.url());
			command.add("--spring.datasource.username=" + db.owner());
			command.add("--spring.datasource.password=" + db.ownerPassword());
			command.addAll(this.extraArgs);
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()))
				.start();
			awaitReady();
		}

		private void awaitReady() throws Exception {
			// Generous: on a shared 2-core machine a start may take well over a minute.
			long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
			while (System.nanoTime() < deadline) {
				if (!this.process.isAlive()) {
					fail("The config server (" + this.name + ") exited with " + this.process.exitValue() + ":\n"
							+ tail());
				}
				try {
					HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(managementUri("/actuator/health"))
						.timeout(Duration.ofSeconds(2))
						.build(), HttpResponse.BodyHandlers.ofString());
					if (health.statusCode() == 200 || health.statusCode() == 503) {
						return;
					}
				}
				catch (IOException ex) {
					// not listening yet
				}
				Thread.sleep(200);
			}
			stop();
			fail("The config server (" + this.name + ") did not answer within 240 s:\n" + tail());
		}

		private String tail() {
			try {
				List<String> lines = Files.readAllLines(this.log);
				return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
			}
			catch (IOException ex) {
				return "(no log: " + ex.getMessage() + ")";
			}
		}

		void restart() throws Exception {
			stop();
			startProcess();
		}

		boolean isRunning() {
			return this.process != null && this.process.isAlive();
		}

		void stop() {
			if (this.process == null) {
				return;
			}
			this.process.destroy();
			try {
				if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
					this.process.destroyForcibly();
					this.process.waitFor(10, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				this.process.destroyForcibly();
				Thread.currentThread().interrupt();
			}
		}

		String baseUrl() {
			return "http://127.0.0.1:" + this.port;
		}

		URI uri(String path) {
			return URI.create(baseUrl() + path);
		}

		URI managementUri(String path) {
			return URI.create("http://127.0.0.1:" + this.managementPort + path);
		}

		private static int freePort() throws IOException {
			try (ServerSocket socket = new ServerSocket(0)) {
				socket.setReuseAddress(true);
				return socket.getLocalPort();
			}
		}

	}

}
