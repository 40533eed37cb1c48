package dev.tenancy.configserver;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/** The 'local' profile carries the demo credential sample-app / sample-app-secret. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("local")
class LocalProfileTest {

	@LocalServerPort
	int port;

	@Autowired
	Environment environment;

	@Test
	void nativeBackendStaysOnWhenAnotherProfileIsActive() {
		assertThat(environment.getActiveProfiles()).contains("local", "native");
	}

	@Test
	void demoCredentialReadsSampleAppConfiguration() {
		HttpResponse<String> response = Http.get(port, "/sample-app/default",
				Http.basic("sample-app", "sample-app-secret"));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Http.propertySources(response).values())
			.anySatisfy((source) -> assertThat(source.path("tenancy.admin.api.enabled").asBoolean(false)).isTrue());
	}

	@Test
	void demoKeyDecryptsTheShippedSecret() {
		HttpResponse<String> response = Http.get(port, "/sample-app/default",
				Http.basic("sample-app", "sample-app-secret"));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Http.propertySources(response).values())
			.anySatisfy((source) -> assertThat(source.path("sample.demo-secret").asString())
				.isEqualTo("demo-secret-value-decrypted"));
	}

	@Test
	void demoCredentialNeedsTheRightPassword() {
		HttpResponse<String> response = Http.get(port, "/sample-app/default", Http.basic("sample-app", "sample-app"));

		assertThat(response.statusCode()).isEqualTo(401);
	}

	@Test
	void localProfileOfTheServerIsNotServedToClients() {
		HttpResponse<String> response = Http.get(port, "/application/local",
				Http.basic("sample-app", "sample-app-secret"));

		// the shared 'application' config reaches clients only through the merge of their
		// own
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.body()).doesNotContain("tenancy.config-server").doesNotContain("$2a$");
	}

}
