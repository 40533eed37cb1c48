package dev.tenancy.configserver.health;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import dev.tenancy.configserver.HttpAccess;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A corrupt '{cipher}' value in the served configuration turns the server's health DOWN.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.cloud.config.server.native.search-locations=classpath:/corrupt-repo/",
				"tenancy.config-server.clients.broken-app.password={noop}broken-secret",
				"tenancy.config-server.clients.good-app.password={noop}good-secret" })
class DecryptionHealthTest {

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@Autowired
	DecryptionHealthIndicator indicator;

	@Test
	void healthIsDownOnTheManagementPort() {
		HttpResponse<String> response = HttpAccess.get(managementPort, "/actuator/health", null);

		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.body()).contains("\"status\":\"DOWN\"").doesNotContain("this-is-not-cipher-text");
	}

	@Test
	void indicatorNamesTheApplicationAndKeyButNoValue() {
		Health health = indicator.health();

		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails().toString()).contains("broken-app: broken.secret")
			.doesNotContain("this-is-not-cipher-text");
	}

	@Test
	void servedEnvironmentCarriesTheInvalidMarker() {
		HttpResponse<String> response = HttpAccess.get(port, "/broken-app/default",
				HttpAccess.basic("broken-app", "broken-secret"));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("invalid.broken.secret").contains("visible");
	}

}
