package dev.tenancy.sample;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
import dev.tenancy.registry.TenantAdministration;
import dev.tenancy.registry.TenantChange;

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
	void requestsAreCountedPerTenantAndOutcomeWithoutTaggingMadeUpIds() {
		Api api = new Api(this.port);
		String acme = Api.bearer(api.token("acme-client"));
		String forged = "forged-" + Long.toHexString(System.nanoTime());
		assertThat(api.get("/api/tenant", "Authorization", acme).statusCode()).isEqualTo(200);
		assertThat(api.get("/api/tenant", "Authorization", acme).statusCode()).isEqualTo(200);
		// a tenant the token does not grant, and no tenant at all
		assertThat(api.get("/api/tenant", "Authorization", acme, "X-Client-ID", forged).statusCode()).isEqualTo(403);
		assertThat(api.get("/api/tenant", "Authorization", Api.bearer(api.token("ops-client"))).statusCode())
			.isEqualTo(400);

		String scrape = management().get("/actuator/prometheus").body();

		assertThat(counter(scrape, "tenancy_requests_total", "outcome=\"served\"", "tenant_id=\"acme\""))
			.isGreaterThanOrEqualTo(2);
		assertThat(counter(scrape, "tenancy_requests_total", "outcome=\"required\"", "tenant_id=\"none\""))
			.isGreaterThanOrEqualTo(1);
		assertThat(scrape).doesNotContain(forged);
		// the tenant cache: lookups hit it
		assertThat(counter(scrape, "cache_gets_total", "cache=\"tenancy.registry\"", "result=\"hit\"")).isPositive();
		assertThat(scrape).contains("cache_size{cache=\"tenancy.registry\"");
		// the change listener (LISTEN/NOTIFY) is connected
		assertThat(scrape).contains("tenancy_registry_listener_connected 1.0")
			.contains("tenancy_registry_listener_reconnects_total");
	}

	@Test
	void aTenantChangeIsTimedFromItsWriteInTheDatabaseToItsInvalidationInTheCache() throws InterruptedException {
		String id = RateLimiting.uniqueTenant("lag");
		Tenant created = RateLimiting.create(this.context, id, RateLimiting.limit(1000, Duration.ofMinutes(1), null));
		this.context.getBean(TenantAdministration.class)
			.update(TenantId.of(id), created.version(), "Lag", created.config(), new TenantChange("lag-test", null));
		double count = 0;
		String scrape = "";
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (count < 2 && System.nanoTime() < deadline) {
			Thread.sleep(50);
			scrape = management().get("/actuator/prometheus").body();
			count = value(scrape, "tenancy_registry_listener_lag_seconds_count");
		}
		assertThat(count).as("changes timed (other tests' changes may add to them)").isGreaterThanOrEqualTo(2);
		// a real change: milliseconds (the registry promises a second; 5 s leaves room
		// for a
		// loaded machine)
		assertThat(value(scrape, "tenancy_registry_listener_lag_seconds_max")).isPositive().isLessThan(5.0);
	}

	private static double value(String scrape, String name) {
		return scrape.lines()
			.filter((line) -> line.startsWith(name + " ") || line.startsWith(name + "{"))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

	/** The value of a counter series in Prometheus text, 0 if absent. */
	private static double counter(String scrape, String name, String... labels) {
		return scrape.lines()
			.filter((line) -> line.startsWith(name + "{") && java.util.Arrays.stream(labels)
				.allMatch((label) -> line.substring(0, line.indexOf('}')).contains(label)))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
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
