package dev.tenancy.configserver.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP basic with {@code {bcrypt}} passwords over a real port: verified credentials are
 * remembered (not hashed again), a password changed by a refresh of the configuration
 * takes effect at once, wrong passwords are never remembered and, past the client's
 * budget, are answered 429 {@code rate_limited} with {@code Retry-After}, the right
 * password included.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		"tenancy.config-server.clients.sample-app.password={bcrypt}$2a$04$vaZVIUtffGn3iYV/2byAuOW5qcpk/r6q0SEBs9VDSV5pnk.b5X7eq",
		"tenancy.config-server.clients.rotating.password={bcrypt}$2a$04$vaZVIUtffGn3iYV/2byAuOW5qcpk/r6q0SEBs9VDSV5pnk.b5X7eq",
		"tenancy.config-server.clients.victim.password={bcrypt}$2a$04$vaZVIUtffGn3iYV/2byAuOW5qcpk/r6q0SEBs9VDSV5pnk.b5X7eq",
		"tenancy.config-server.failed-attempts.per-client=3", "tenancy.config-server.failed-attempts.per-address=1000",
		// a small pool: the shared PostgreSQL serves many cached test contexts
		"spring.datasource.hikari.maximum-pool-size=2" })
class BasicCredentialsOverHttpTest {

	/** The password of the hash above. */
	static final String PASSWORD = "s3cret-pw";

	private static final HttpClient CLIENT = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(5))
		.followRedirects(HttpClient.Redirect.NEVER)
		.build();

	@LocalServerPort
	int port;

	@Autowired
	RememberingBasicAuthenticationProvider remembered;

	@Autowired
	ApplicationContext context;

	@Autowired
	ConfigurableEnvironment environment;

	private HttpResponse<String> get(String path, String user, String password) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.header("Authorization",
					"Basic " + Base64.getEncoder()
						.encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
			.timeout(Duration.ofSeconds(30))
			.GET()
			.build();
		return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void theHashIsTheOneThePasswordMatches() {
		assertThat(new BCryptPasswordEncoder().matches(PASSWORD,
				"$2a$04$vaZVIUtffGn3iYV/2byAuOW5qcpk/r6q0SEBs9VDSV5pnk.b5X7eq"))
			.isTrue();
	}

	@Test
	void aVerifiedCredentialIsRememberedAndWrongOnesAreNot() throws Exception {
		this.remembered.forgetAll();
		for (int i = 0; i < 20; i++) {
			assertThat(get("/sample-app/default", "sample-app", PASSWORD).statusCode()).isEqualTo(200);
		}
		assertThat(this.remembered.remembered()).isOne();

		HttpResponse<String> wrong = get("/sample-app/default", "sample-app", PASSWORD + "x");
		assertThat(wrong.statusCode()).isEqualTo(401);
		assertThat(wrong.body()).doesNotContain("X-Client-ID");
		assertThat(this.remembered.remembered()).isOne();
	}

	@Test
	void aPasswordChangedByARefreshTakesEffectAtOnce() throws Exception {
		assertThat(get("/rotating/default", "rotating", PASSWORD).statusCode()).isEqualTo(200);
		String newHash = "{bcrypt}" + new BCryptPasswordEncoder(4).encode("rotated-pw");
		this.environment.getPropertySources()
			.addFirst(new MapPropertySource("rotation",
					Map.of("tenancy.config-server.clients.rotating.password", newHash)));
		try {
			this.context.publishEvent(new EnvironmentChangeEvent(this.context,
					Set.of("tenancy.config-server.clients.rotating.password")));

			assertThat(get("/rotating/default", "rotating", PASSWORD).statusCode()).isEqualTo(401);
			assertThat(get("/rotating/default", "rotating", "rotated-pw").statusCode()).isEqualTo(200);
			assertThat(get("/sample-app/default", "sample-app", PASSWORD).statusCode()).isEqualTo(200);
		}
		finally {
			this.environment.getPropertySources().remove("rotation");
			this.context.publishEvent(new EnvironmentChangeEvent(this.context,
					Set.of("tenancy.config-server.clients.rotating.password")));
		}
	}

	@Test
	void anInvalidRefreshKeepsTheOldClients() throws Exception {
		this.environment.getPropertySources()
			.addFirst(new MapPropertySource("broken",
					Map.of("tenancy.config-server.clients.rotating.password", "plaintext-without-prefix")));
		try {
			this.context.publishEvent(new EnvironmentChangeEvent(this.context,
					Set.of("tenancy.config-server.clients.rotating.password")));

			assertThat(get("/rotating/default", "rotating", PASSWORD).statusCode()).isEqualTo(200);
			assertThat(get("/rotating/default", "rotating", "plaintext-without-prefix").statusCode()).isEqualTo(401);
		}
		finally {
			this.environment.getPropertySources().remove("broken");
		}
	}

	@Test
	void wrongPasswordsAreThrottledWith429AndThenTheRightOneToo() throws Exception {
		assertThat(get("/victim/default", "victim", PASSWORD).statusCode()).isEqualTo(200);
		HttpResponse<String> last = null;
		for (int i = 0; i < 6; i++) {
			last = get("/victim/default", "victim", "guess-" + i);
			if (last.statusCode() == 429) {
				break;
			}
			assertThat(last.statusCode()).isEqualTo(401);
		}
		assertThat(last.statusCode()).isEqualTo(429);
		assertThat(last.headers().firstValue("Retry-After"))
			.hasValueSatisfying((seconds) -> assertThat(Long.parseLong(seconds)).isBetween(1L, 60L));
		assertThat(last.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(last.body()).contains("\"code\":\"rate_limited\"").doesNotContain("guess");

		HttpResponse<String> right = get("/victim/default", "victim", PASSWORD);
		assertThat(right.statusCode()).isEqualTo(429);
		assertThat(right.body()).doesNotContain("X-Client-ID");
		// another client from the same address is not affected
		assertThat(get("/sample-app/default", "sample-app", PASSWORD).statusCode()).isEqualTo(200);
	}

}
