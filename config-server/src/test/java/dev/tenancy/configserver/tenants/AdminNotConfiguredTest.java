package dev.tenancy.configserver.tenants;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without {@code tenancy.admin.token} the config server has no admin credential mechanism
 * (it has no JWT decoder): every admin request is 503 {@code admin_not_configured},
 * whatever it sends, while the rest of the server works.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "tenancy.config-server.clients.sample-app.password={noop}sample-secret")
class AdminNotConfiguredTest {

	private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final String CLIENT_AUTH = "Basic "
			+ Base64.getEncoder().encodeToString("sample-app:sample-secret".getBytes(StandardCharsets.UTF_8));

	@LocalServerPort
	int port;

	private HttpResponse<String> get(String path, String... headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.timeout(Duration.ofSeconds(30));
		for (int i = 0; i < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void everyAdminRequestIs503() throws Exception {
		for (String[] headers : new String[][] { {}, { "X-Admin-Token", "guess" }, { "X-Admin-Token", "" },
				{ "Authorization", CLIENT_AUTH } }) {
			HttpResponse<String> response = get("/admin/tenants", headers);
			assertThat(response.statusCode()).isEqualTo(503);
			assertThat(response.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(response.body()).contains("\"code\":\"admin_not_configured\"");
		}
		assertThat(get("/tenants/changes/latest", "Authorization", CLIENT_AUTH).statusCode()).isEqualTo(200);
	}

}
