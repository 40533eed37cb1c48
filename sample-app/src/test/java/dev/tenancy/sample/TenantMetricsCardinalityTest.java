package dev.tenancy.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-tenant request metrics under skewed traffic, scraped from the management port: the
 * tenants with the most requests in a window own the {@code tenant_id} values, a flood of
 * tenants sending one request each never adds a series, and no counter series ever goes
 * down while it exists.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tenancy.metrics.max-tenant-tags=3", "tenancy.metrics.tenant-tags-window=2s" })
@ActiveProfiles("local")
class TenantMetricsCardinalityTest {

	private static final Pattern SERIES = Pattern.compile("^tenancy_requests_total\\{([^}]*)\\} (\\S+)$",
			Pattern.MULTILINE);

	private static final Pattern TENANT = Pattern.compile("tenant_id=\"([^\"]*)\"");

	private static final Duration WINDOW = Duration.ofSeconds(2);

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	private final Map<String, Double> lastValues = new HashMap<>();

	private int mostTenantValues;

	@Test
	void theBusiestTenantsOwnTheTagsAndAFloodOfOneRequestTenantsAddsNoSeries() throws Exception {
		Api api = new Api(this.port);
		List<String> early = tenants("early", 3);
		List<String> heavy = tenants("heavy", 3);
		List<String> flood = tenants("flood", 40);
		Map<String, String> tokens = new HashMap<>();
		for (String tenant : concat(early, heavy, flood)) {
			tokens.put(tenant, Api.bearer(LocalTokens.forTenant(this.context, tenant)));
		}

		// The first tenants seen take the free values.
		for (String tenant : early) {
			assertThat(api.get("/api/tenant", "Authorization", tokens.get(tenant)).statusCode()).isEqualTo(200);
		}
		scrape();
		// Skewed traffic: each heavy tenant one request per flood tenant, each flood
		// tenant one request in all.
		for (int i = 0; i < flood.size(); i++) {
			assertThat(api.get("/api/tenant", "Authorization", tokens.get(flood.get(i))).statusCode()).isEqualTo(200);
			for (String tenant : heavy) {
				assertThat(api.get("/api/tenant", "Authorization", tokens.get(tenant)).statusCode()).isEqualTo(200);
			}
			if (i % 10 == 0) {
				scrape();
			}
		}
		// A window with only the heavy tenants' traffic, then the request that ranks it.
		Thread.sleep(WINDOW.toMillis() + 200);
		for (int round = 0; round < 5; round++) {
			for (String tenant : heavy) {
				api.get("/api/tenant", "Authorization", tokens.get(tenant));
			}
		}
		Thread.sleep(WINDOW.toMillis() + 200);
		api.get("/api/tenant", "Authorization", tokens.get(flood.get(0)));

		Set<String> tenantValues = scrape();
		assertThat(tenantValues).containsAll(heavy).contains("other");
		assertThat(tenantValues).doesNotContainAnyElementsOf(early).doesNotContainAnyElementsOf(flood);
		assertThat(this.mostTenantValues).as("tenant_id values besides none, at any scrape").isLessThanOrEqualTo(4);
	}

	/**
	 * Scrape, check the bound and that every series still there has not gone down.
	 * @return the tenant_id values besides none
	 */
	private Set<String> scrape() {
		String body = Api.management(this.context).get("/actuator/prometheus").body();
		Set<String> tenantValues = new TreeSet<>();
		Matcher series = SERIES.matcher(body);
		while (series.find()) {
			Matcher tenant = TENANT.matcher(series.group(1));
			assertThat(tenant.find()).as(series.group()).isTrue();
			if (!tenant.group(1).equals("none")) {
				tenantValues.add(tenant.group(1));
			}
			double value = Double.parseDouble(series.group(2));
			Double last = this.lastValues.put(series.group(1), value);
			if (last != null) {
				assertThat(value).as("counter %s", series.group(1)).isGreaterThanOrEqualTo(last);
			}
		}
		// a series that ended starts again from zero (a reset to Prometheus), never lower
		this.lastValues.keySet().removeIf((labels) -> !body.contains("tenancy_requests_total{" + labels + "}"));
		this.mostTenantValues = Math.max(this.mostTenantValues, tenantValues.size());
		assertThat(tenantValues).as("tenant_id values").hasSizeLessThanOrEqualTo(4);
		return tenantValues;
	}

	private List<String> tenants(String base, int count) {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String id = RateLimiting.uniqueTenant(base);
			RateLimiting.create(this.context, id, RateLimiting.limit(1_000_000, Duration.ofMinutes(1), 1_000_000L));
			ids.add(id);
		}
		return ids;
	}

	@SafeVarargs
	private static List<String> concat(List<String>... lists) {
		List<String> all = new ArrayList<>();
		for (List<String> list : lists) {
			all.addAll(list);
		}
		return all;
	}

}
