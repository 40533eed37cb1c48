package dev.tenancy.sample;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import dev.tenancy.TenantId;
import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.registry.jdbc.PostgresChangeListener;
import dev.tenancy.sample.RateLimiting.Instance;

import static dev.tenancy.sample.RateLimiting.limit;
import static dev.tenancy.sample.RateLimiting.remaining;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rate limits of the tenant's plan on the real request path: the IETF headers, a 429
 * with {@code Retry-After} and the {@code rate_limited} problem, the tenant and the
 * per-user limit decided together (a request one rejects spends nothing of the other),
 * the helpdesk's route cost, a plan change through the admin API holding on every
 * instance, and keys that expire.
 */
@LocalAppTest
class RateLimitTest {

	private static final Logger logger = LoggerFactory.getLogger(RateLimitTest.class);

	static final Duration HOUR = Duration.ofHours(1);

	static final String TICKET = "{\"subject\":\"Lost luggage\",\"message\":\"Flight TX123, bag tag 0042\"}";

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	Instance first() {
		return new Instance("first", this.context, new Api(this.port));
	}

	@Test
	void responsesCarryThePlansPoliciesAndTheirState() {
		Instance app = first();
		// a shipped tenant: 1,000 per minute, 100 per user
		HttpResponse<String> acme = app.get("/api/tenant", Api.bearer(app.api().token("acme-client")));
		assertThat(acme.statusCode()).isEqualTo(200);
		assertThat(acme.headers().firstValue("RateLimit-Policy"))
			.hasValue("\"tenant\";q=1000;w=60, \"user\";q=100;w=60");
		assertThat(acme.headers().firstValue("RateLimit")).hasValueSatisfying(
				(value) -> assertThat(value).matches("\"tenant\";r=\\d+;t=\\d+, \"user\";r=\\d+;t=\\d+"));
		assertThat(acme.headers().firstValue("Retry-After")).isEmpty();

		// no tenant, no limit
		HttpResponse<String> health = Api.management(this.context).get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.headers().firstValue("RateLimit-Policy")).isEmpty();
		assertThat(health.headers().firstValue("RateLimit")).isEmpty();
	}

	@Test
	void overTheLimitIs429WithRetryAfterAndTheRateLimitedProblem() {
		Instance app = first();
		String id = RateLimiting.uniqueTenant("headers");
		RateLimiting.create(this.context, id, limit(3, Duration.ofMinutes(1), null));
		String alice = app.bearer(id, "alice");
		for (long left = 2; left >= 0; left--) {
			HttpResponse<String> admitted = app.get("/api/tenant", alice);
			assertThat(admitted.statusCode()).isEqualTo(200);
			assertThat(admitted.headers().firstValue("RateLimit-Policy")).hasValue("\"tenant\";q=3;w=60");
			assertThat(remaining(admitted)).containsExactly(Map.entry("tenant", left));
			long t = Long.parseLong(admitted.headers().firstValue("RateLimit").orElseThrow().replaceAll(".*;t=", ""));
			assertThat(t).as("seconds to the refill at the end of the minute").isBetween(55L, 60L);
		}
		HttpResponse<String> rejected = app.get("/api/tenant", alice);
		assertThat(rejected.statusCode()).isEqualTo(429);
		assertThat(rejected.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(Api.code(rejected)).isEqualTo("rate_limited");
		assertThat(Api.json(rejected).path("status").asInt()).isEqualTo(429);
		String retryAfter = rejected.headers().firstValue("Retry-After").orElseThrow();
		assertThat(retryAfter).as("whole seconds").matches("\\d+");
		assertThat(Long.parseLong(retryAfter)).as("until the next refill, rounded up").isBetween(55L, 60L);
		assertThat(rejected.headers().firstValue("RateLimit-Policy")).hasValue("\"tenant\";q=3;w=60");
		assertThat(remaining(rejected)).containsExactly(Map.entry("tenant", 0L));
		long t = Long.parseLong(rejected.headers().firstValue("RateLimit").orElseThrow().replaceAll(".*;t=", ""));
		assertThat(Long.parseLong(retryAfter)).as("Retry-After is not before the window's end")
			.isGreaterThanOrEqualTo(t);
	}

	@Test
	void theTenantAndTheUserLimitAreDecidedTogetherAndARejectionSpendsNothing() {
		Instance app = first();
		String id = RateLimiting.uniqueTenant("users");
		RateLimiting.create(this.context, id, limit(10, HOUR, 4L));
		String alice = app.bearer(id, "alice");
		String bob = app.bearer(id, "bob");
		String carol = app.bearer(id, "carol");

		for (long i = 1; i <= 4; i++) {
			HttpResponse<String> response = app.get("/api/tenant", alice);
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.headers().firstValue("RateLimit-Policy"))
				.hasValue("\"tenant\";q=10;w=3600, \"user\";q=4;w=3600");
			assertThat(remaining(response)).containsExactly(Map.entry("tenant", 10 - i), Map.entry("user", 4 - i));
		}
		// alice is over her own limit: rejected by the user limit, the tenant's bucket
		// untouched
		for (int i = 0; i < 3; i++) {
			HttpResponse<String> rejected = app.get("/api/tenant", alice);
			assertThat(rejected.statusCode()).isEqualTo(429);
			assertThat(remaining(rejected)).as("the tenant limit was not consulted")
				.containsExactly(Map.entry("user", 0L));
		}
		HttpResponse<String> bobsFirst = app.get("/api/tenant", bob);
		assertThat(bobsFirst.statusCode()).isEqualTo(200);
		assertThat(remaining(bobsFirst)).as("alice's rejections cost the tenant nothing")
			.containsExactly(Map.entry("tenant", 5L), Map.entry("user", 3L));
		for (int i = 0; i < 3; i++) {
			assertThat(app.get("/api/tenant", bob).statusCode()).isEqualTo(200);
		}
		assertThat(remaining(app.get("/api/tenant", carol))).containsExactly(Map.entry("tenant", 1L),
				Map.entry("user", 3L));
		assertThat(remaining(app.get("/api/tenant", carol))).containsExactly(Map.entry("tenant", 0L),
				Map.entry("user", 2L));
		// the tenant is exhausted: carol is rejected by the tenant limit and keeps her
		// own tokens
		for (int i = 0; i < 3; i++) {
			HttpResponse<String> rejected = app.get("/api/tenant", carol);
			assertThat(rejected.statusCode()).isEqualTo(429);
			assertThat(remaining(rejected)).as("carol's rejected request spent nothing of her limit")
				.containsExactly(Map.entry("tenant", 0L), Map.entry("user", 2L));
		}
		// and a new user is rejected the same way, with a full bucket of their own
		assertThat(remaining(app.get("/api/tenant", app.bearer(id, "dave")))).containsExactly(Map.entry("tenant", 0L),
				Map.entry("user", 4L));
	}

	@Test
	void aHelpdeskRequestSpendsFive() {
		Instance app = first();
		String id = RateLimiting.uniqueTenant("helpdesk");
		RateLimiting.create(this.context, id, limit(12, HOUR, 100L));
		String alice = app.bearer(id, "alice");
		HttpResponse<String> ticket = app.api().postJson("/api/helpdesk/tickets", TICKET, "Authorization", alice);
		assertThat(ticket.statusCode()).as(ticket.body()).isEqualTo(201);
		assertThat(Api.json(ticket).path("id").asString()).matches("HD-[0-9A-Z]{8}");
		assertThat(Api.json(ticket).path("status").asString()).isEqualTo("OPEN");
		assertThat(ticket.headers().firstValue("Location"))
			.hasValue("/api/helpdesk/tickets/" + Api.json(ticket).path("id").asString());
		assertThat(remaining(ticket)).containsExactly(Map.entry("tenant", 7L), Map.entry("user", 95L));

		HttpResponse<String> list = app.get("/api/helpdesk/tickets", alice);
		assertThat(list.statusCode()).isEqualTo(200);
		assertThat(Api.json(list).path("items").size()).isEqualTo(1);
		assertThat(remaining(list)).as("every helpdesk route costs 5")
			.containsExactly(Map.entry("tenant", 2L), Map.entry("user", 90L));

		assertThat(remaining(app.get("/api/tenant", alice))).as("other routes cost 1")
			.containsExactly(Map.entry("tenant", 1L), Map.entry("user", 89L));
		HttpResponse<String> tooExpensive = app.api().postJson("/api/helpdesk/tickets", TICKET, "Authorization", alice);
		assertThat(tooExpensive.statusCode()).as("5 needed, 1 left").isEqualTo(429);
		assertThat(Api.code(tooExpensive)).isEqualTo("rate_limited");
		assertThat(remaining(app.get("/api/tenant", alice))).as("the rejected ticket spent nothing")
			.containsExactly(Map.entry("tenant", 0L), Map.entry("user", 88L));

		// a shipped tenant's plan says helpdesk: 5 too
		Instance same = first();
		String globex = Api.bearer(same.api().token("globex-client"));
		long before = remaining(same.get("/api/tenant", globex)).get("tenant");
		HttpResponse<String> globexTicket = same.api()
			.postJson("/api/helpdesk/tickets", TICKET, "Authorization", globex);
		assertThat(globexTicket.statusCode()).isEqualTo(201);
		assertThat(remaining(globexTicket).get("tenant")).isEqualTo(before - 5);
	}

	@Test
	void aPlanChangeThroughTheAdminApiHoldsOnTheNextRequestOnEveryInstance() throws Exception {
		List<Instance> instances = RateLimiting.instances(this.context, this.port);
		for (Instance instance : instances) {
			assertThat(instance.context().getBean(PostgresChangeListener.class).awaitListening(Duration.ofSeconds(10)))
				.as("%s listens for changes", instance)
				.isTrue();
		}
		String id = RateLimiting.uniqueTenant("plan-change");
		RateLimiting.create(this.context, id, limit(20, HOUR, null));
		List<String> tokens = instances.stream().map((instance) -> instance.bearer(id, "alice")).toList();
		for (int i = 0; i < instances.size(); i++) {
			for (int j = 0; j < 2; j++) {
				HttpResponse<String> response = instances.get(i).get("/api/tenant", tokens.get(i));
				assertThat(response.statusCode()).isEqualTo(200);
				assertThat(response.headers().firstValue("RateLimit-Policy")).hasValue("\"tenant\";q=20;w=3600");
			}
		}
		// 6 of 20 spent, 14 left. A smaller plan: the bucket is capped at 8.
		changePlan(instances, id, 0, 8);
		assertThat(admittedUntilRejectedEverywhere(instances, tokens, 8)).isEqualTo(8);

		// A larger plan: the 8 new tokens are added to the empty bucket.
		changePlan(instances, id, 1, 16);
		assertThat(admittedUntilRejectedEverywhere(instances, tokens, 16)).isEqualTo(8);
	}

	/**
	 * Change the plan through the admin API on the first instance, wait until every
	 * instance's registry has the new version (the change notification), then check that
	 * the first request on each instance is decided by the new plan.
	 */
	private void changePlan(List<Instance> instances, String id, long version, long limit) throws Exception {
		Api admin = instances.get(0).api();
		String ops = Api.bearer(admin.token("ops-client"));
		HttpResponse<String> updated = admin.put("/admin/tenants/" + id, """
				{"displayName":"Rate limit test","config":{"plan":"standard","features":["trips"],
				 "rateLimit":{"limit":%d,"window":"PT1H","costs":{"helpdesk":5}}}}""".formatted(limit), "Authorization",
				ops, "If-Match", "\"" + version + "\"");
		long changed = System.nanoTime();
		assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
		List<String> propagation = new ArrayList<>();
		for (Instance instance : instances) {
			TenantRegistry registry = instance.context().getBean(TenantRegistry.class);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
			while (registry.find(TenantId.of(id)).orElseThrow().version() <= version && System.nanoTime() < deadline) {
				Thread.sleep(2);
			}
			assertThat(registry.find(TenantId.of(id)).orElseThrow().version()).as("%s has the new plan", instance)
				.isEqualTo(version + 1);
			propagation.add(instance + " " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - changed) + " ms");
		}
		logger.info("Plan change to {} per hour (admin API answered) seen by every instance's registry after: {}",
				limit, propagation);
	}

	/**
	 * Round-robin over the instances until each rejects; every response shows the new
	 * plan, and no {@code r} ever exceeds it.
	 * @return how many were admitted
	 */
	private static int admittedUntilRejectedEverywhere(List<Instance> instances, List<String> tokens, long limit) {
		int admitted = 0;
		boolean[] rejected = new boolean[instances.size()];
		for (int round = 0; round < 100 && !(rejected[0] && rejected[1] && rejected[2]); round++) {
			int i = round % instances.size();
			HttpResponse<String> response = instances.get(i).get("/api/tenant", tokens.get(i));
			assertThat(response.headers().firstValue("RateLimit-Policy")).as("%s", instances.get(i))
				.hasValue("\"tenant\";q=" + limit + ";w=3600");
			assertThat(remaining(response).get("tenant")).isLessThan(limit);
			if (response.statusCode() == 200) {
				assertThat(rejected[i]).as("admitted after a rejection on %s", instances.get(i)).isFalse();
				admitted++;
			}
			else {
				assertThat(response.statusCode()).isEqualTo(429);
				rejected[i] = true;
			}
		}
		return admitted;
	}

	@Test
	void everyKeyTheLimiterWroteExpires() {
		Instance app = first();
		String id = RateLimiting.uniqueTenant("ttl");
		RateLimiting.create(this.context, id, limit(100, HOUR, 10L));
		for (String user : List.of("alice", "bob")) {
			assertThat(app.get("/api/tenant", app.bearer(id, user)).statusCode()).isEqualTo(200);
		}
		Map<String, Long> keys = RateLimiting.keysAndTtls();
		assertThat(keys).containsKey(TestRedis.KEY_PREFIX + ":s:{" + id + "}:tenant");
		assertThat(keys.keySet().stream().filter((key) -> key.contains("{" + id + "}:user:"))).hasSize(2)
			.noneMatch((key) -> key.contains("alice") || key.contains("bob"));
		RateLimiting.assertEveryKeyHasATtl();
		// the interval refill: full again when the hour is over, plus 1 s
		assertThat(keys.get(TestRedis.KEY_PREFIX + ":s:{" + id + "}:tenant")).isBetween(3_590_000L, 3_601_000L);
	}

}
