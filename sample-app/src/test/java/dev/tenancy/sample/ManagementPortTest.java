package dev.tenancy.sample;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Actuator lives on the management port only: Prometheus scrapes it and the kubelet
 * probes it without a tenant or a token, operators see the health details there, and the
 * public port answers none of it.
 */
@LocalAppTest
class ManagementPortTest {

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	Api management() {
		return Api.management(this.context);
	}

	@Test
	void managementHasItsOwnPort() {
		assertThat(this.context.getEnvironment().getRequiredProperty("local.management.port", Integer.class))
			.isPositive()
			.isNotEqualTo(this.port);
	}

	@Test
	void prometheusIsScrapedFromTheManagementPortWithoutTenantOrToken() {
		// some traffic first, so the tenancy meters exist
		Api api = new Api(this.port);
		assertThat(api.get("/api/tenant", "Authorization", Api.bearer(api.token("acme-client"))).statusCode())
			.isEqualTo(200);

		HttpResponse<String> scrape = management().get("/actuator/prometheus");

		assertThat(scrape.statusCode()).as(scrape.body()).isEqualTo(200);
		assertThat(scrape.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/plain"));
		assertThat(scrape.body()).contains("# TYPE jvm_memory_used_bytes gauge")
			.contains("http_server_requests_seconds_count");
	}

	@Test
	void probesAndDetailsAreOnTheManagementPort() {
		HttpResponse<String> liveness = management().get("/actuator/health/liveness");
		HttpResponse<String> readiness = management().get("/actuator/health/readiness");
		HttpResponse<String> health = management().get("/actuator/health");

		assertThat(liveness.statusCode()).as(liveness.body()).isEqualTo(200);
		assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
		assertThat(readiness.body()).contains("tenancyRegistry");
		assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
		// details for operators: the limiter's state, the registry's
		assertThat(health.body()).contains("\"tenancyRateLimiter\"").contains("\"details\"");
	}

	@Test
	void thePublicPortAnswersNoActuatorEndpoint() {
		Api api = new Api(this.port);
		for (String path : new String[] { "/actuator/prometheus", "/actuator/health", "/actuator/health/readiness",
				"/actuator" }) {
			HttpResponse<String> response = api.get(path);
			assertThat(response.statusCode()).as(path).isIn(401, 404);
			assertThat(response.body()).as(path).doesNotContain("jvm_").doesNotContain("tenancyRegistry");
		}
		// even with a valid token: not there
		assertThat(api
			.get("/actuator/prometheus", "Authorization", Api.bearer(api.token("acme-client")), "X-Client-ID", "acme")
			.statusCode()).isEqualTo(404);
	}

}
