package dev.tenancy.sample;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.tenancy.ratelimit.MicrometerRateLimitMetrics;
import dev.tenancy.sample.helpdesk.KnowledgeBase;
import dev.tenancy.sample.RateLimiting.Instance;
import dev.tenancy.test.TcpProxy;
import dev.tenancy.test.TestServices;

import static dev.tenancy.sample.RateLimiting.limit;
import static dev.tenancy.sample.RateLimiting.remaining;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis taken away from a running instance in the middle of a run ({@link ThirdInstance}:
 * its connection runs through a proxy that is cut, closing the connection and refusing
 * new ones): no request fails, the instance limits locally at its share of the plan
 * within a second, health and metrics say so, and when Redis is back the instance decides
 * in Redis again by itself.
 */
class RedisOutageTest {

	private static final Logger logger = LoggerFactory.getLogger(RedisOutageTest.class);

	static final Duration HOUR = Duration.ofHours(1);

	@Test
	void redisCutMidRunLimitsLocallyWithinASecondAndComesBackByItself() throws Exception {
		Instance app = new Instance("third", ThirdInstance.context(), ThirdInstance.api());
		TcpProxy redis = ThirdInstance.redis();
		HealthIndicator health = app.context().getBean("tenancyRateLimiterHealthIndicator", HealthIndicator.class);
		MeterRegistry meters = app.context().getBean(MeterRegistry.class);
		assertThat(health.health(true).getDetails()).containsEntry("redis", "up").containsEntry("degraded", false);

		// 30 per hour; 3 expected instances, so a local share of a full bucket is 10
		String id = RateLimiting.uniqueTenant("outage");
		RateLimiting.create(app.context(), id, limit(30, HOUR, null));
		String bearer = app.bearer(id, "alice");
		for (long left = 29; left >= 5; left--) {
			HttpResponse<String> response = app.get("/api/tenant", bearer);
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(remaining(response)).containsExactly(Map.entry("tenant", left));
		}
		// Redis has 5 left for the tenant: the local fallback starts from that report, a
		// third of it for this instance of 3 (1 token), not from a fresh share of the
		// plan
		// (10), which would admit although Redis already said the bucket is nearly empty.

		// Background traffic of another tenant through the whole outage: never a 5xx,
		// never slow.
		String busy = RateLimiting.uniqueTenant("busy");
		RateLimiting.create(app.context(), busy, limit(1_000_000, HOUR, null));
		String busyBearer = app.bearer(busy, "bob");
		AtomicBoolean running = new AtomicBoolean(true);
		Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
		AtomicLong slowest = new AtomicLong();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		List<Thread> load = new ArrayList<>();
		for (int t = 0; t < 3; t++) {
			load.add(Thread.ofPlatform().daemon().start(() -> {
				while (running.get()) {
					long sent = System.nanoTime();
					try {
						int status = app.get("/api/tenant", busyBearer).statusCode();
						statuses.computeIfAbsent(status, (key) -> new AtomicInteger()).incrementAndGet();
					}
					catch (Throwable ex) {
						failure.compareAndSet(null, ex);
					}
					slowest.accumulateAndGet(System.nanoTime() - sent, Math::max);
					LockSupport.parkNanos(1_000_000);
				}
			}));
		}
		Thread.sleep(200);
		double fallbacksBefore = RateLimiting.sum(meters.find(MicrometerRateLimitMetrics.FALLBACKS).counters());

		long cutAt = System.nanoTime();
		redis.cut();
		long localAt = 0;
		int admittedLocally = 0;
		HttpResponse<String> response;
		do {
			response = app.get("/api/tenant", bearer);
			assertThat(response.statusCode()).isIn(200, 429);
			if (response.statusCode() == 200) {
				admittedLocally++;
			}
			if (app.decisions(id, "local") > 0) {
				localAt = System.nanoTime();
			}
		}
		while (localAt == 0 && System.nanoTime() - cutAt < TimeUnit.SECONDS.toNanos(2));
		assertThat(localAt).as("a local decision").isPositive();
		long switchMillis = TimeUnit.NANOSECONDS.toMillis(localAt - cutAt);
		assertThat(switchMillis).as("limiting locally within 1 s of the cut").isLessThan(1000);

		// The local share is a limit too: 1 in all (5 / 3, rounded down), then 429.
		HttpResponse<String> overShare = response;
		for (int i = 0; i < 5 && admittedLocally < 2; i++) {
			overShare = app.get("/api/tenant", bearer);
			if (overShare.statusCode() == 200) {
				admittedLocally++;
			}
		}
		assertThat(admittedLocally).as("admitted while Redis is away: this instance's share of what it reported")
			.isEqualTo(1);
		assertThat(overShare.statusCode()).isEqualTo(429);
		assertThat(Api.code(overShare)).isEqualTo("rate_limited");
		assertThat(overShare.headers().firstValue("Retry-After")).isPresent();

		Health degraded = health.health(true);
		assertThat(degraded.getStatus()).as("degraded is not down").isEqualTo(Status.UP);
		assertThat(degraded.getDetails()).containsEntry("redis", "down").containsEntry("degraded", true);
		assertThat(degraded.getDetails().get("breaker")).isIn("OPEN", "HALF_OPEN");
		assertThat(meters.get(MicrometerRateLimitMetrics.DEGRADED).gauge().value()).isEqualTo(1);
		double fallbacksDuring = RateLimiting.sum(meters.find(MicrometerRateLimitMetrics.FALLBACKS).counters());
		assertThat(fallbacksDuring).as("the fallback counter rises").isGreaterThan(fallbacksBefore + 10);
		assertThat(app.decisions(id, "local")).isGreaterThanOrEqualTo(2);

		long restoredAt = System.nanoTime();
		redis.restore();
		long backAt = 0;
		while (backAt == 0 && System.nanoTime() - restoredAt < TimeUnit.SECONDS.toNanos(10)) {
			response = app.get("/api/tenant", bearer);
			if (response.statusCode() == 200) {
				// an admission is Redis's, which had 5 and was charged the 1 admitted
				// locally before deciding: 3 left
				assertThat(remaining(response)).containsExactly(Map.entry("tenant", 3L));
				backAt = System.nanoTime();
			}
			else {
				Thread.sleep(10);
			}
		}
		assertThat(backAt).as("deciding in Redis again by itself").isPositive();
		long backMillis = TimeUnit.NANOSECONDS.toMillis(backAt - restoredAt);
		Health recovered = health.health(true);
		assertThat(recovered.getDetails()).containsEntry("redis", "up")
			.containsEntry("degraded", false)
			.containsEntry("breaker", "CLOSED");
		assertThat(meters.get(MicrometerRateLimitMetrics.DEGRADED).gauge().value()).isZero();
		for (long left = 2; left >= 0; left--) {
			assertThat(remaining(app.get("/api/tenant", bearer))).containsExactly(Map.entry("tenant", left));
		}
		assertThat(app.get("/api/tenant", bearer).statusCode()).isEqualTo(429);

		running.set(false);
		for (Thread thread : load) {
			thread.join(5000);
		}
		assertThat(failure.get()).isNull();
		assertThat(statuses.keySet()).as("background answers through the outage").containsOnly(200);
		logger.info(
				"Redis cut: local limiting after {} ms; Redis restored: deciding in Redis again after {} ms; "
						+ "background: {} requests, slowest {} ms; fallbacks counted: {}",
				switchMillis, backMillis, statuses.get(200), TimeUnit.NANOSECONDS.toMillis(slowest.get()),
				(long) (fallbacksDuring - fallbacksBefore));
		assertThat(slowest.get()).as("no request waited for Redis").isLessThan(TimeUnit.SECONDS.toNanos(1));
	}

	/**
	 * The helpdesk's search cache is on the same Redis: cut or frozen, every search is
	 * still answered, from PostgreSQL, with the same hits and without waiting on Redis;
	 * back, it caches again by itself.
	 */
	@Test
	void searchesAreAnsweredFromTheDatabaseWhileRedisIsAwayAndCachedAgainWhenItIsBack() throws Exception {
		ConfigurableApplicationContext context = ThirdInstance.context();
		Api api = ThirdInstance.api();
		TcpProxy redis = ThirdInstance.redis();
		// What is cached, seen straight in Redis, not through the proxy
		URI server = TestServices.redisUri();
		LettuceConnectionFactory direct = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(server.getHost(), server.getPort()));
		direct.start();
		try {
			searchesSurvive(context, api, redis, new StringRedisTemplate(direct));
		}
		finally {
			direct.destroy();
		}
	}

	private void searchesSurvive(ConfigurableApplicationContext context, Api api, TcpProxy redis,
			StringRedisTemplate keys) throws InterruptedException {
		String query = "baggage allowance";
		List<String> expected = searchTitles(api, context, query);
		assertThat(expected).isNotEmpty();
		assertThat(cachedSearches(keys, query)).as("cached while Redis is there").isNotEmpty();

		for (Runnable outage : List.<Runnable>of(redis::cut, redis::freeze)) {
			outage.run();
			try {
				for (String search : List.of(query, "passport " + UUID.randomUUID().toString().substring(0, 8))) {
					long sent = System.nanoTime();
					List<String> titles = searchTitles(api, context, search);
					long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
					assertThat(millis).as("%s answered while Redis is %s", search, redis.isCut() ? "cut" : "frozen")
						.isLessThan(3000);
					if (search.equals(query)) {
						assertThat(titles).isEqualTo(expected);
					}
				}
			}
			finally {
				redis.restore();
			}
		}

		String fresh = "visa " + UUID.randomUUID().toString().substring(0, 8);
		long restoredAt = System.nanoTime();
		while (cachedSearches(keys, fresh).isEmpty()) {
			assertThat(System.nanoTime() - restoredAt).as("cached again within 20 s of Redis coming back")
				.isLessThan(TimeUnit.SECONDS.toNanos(20));
			searchTitles(api, context, fresh);
			Thread.sleep(100);
		}
		// Leave a normal instance behind: the rate limiter (same Redis) decides in Redis
		// again once a decision has gone through its half-open breaker.
		HealthIndicator limiter = context.getBean("tenancyRateLimiterHealthIndicator", HealthIndicator.class);
		while (Boolean.TRUE.equals(limiter.health(true).getDetails().get("degraded"))) {
			assertThat(System.nanoTime() - restoredAt).as("the rate limiter back on Redis within 20 s")
				.isLessThan(TimeUnit.SECONDS.toNanos(20));
			searchTitles(api, context, fresh);
			Thread.sleep(200);
		}
	}

	private static List<String> searchTitles(Api api, ConfigurableApplicationContext context, String query) {
		String bearer = Api.bearer(LocalTokens.forTenant(context, "acme", "searcher-" + UUID.randomUUID()));
		HttpResponse<String> response = api
			.get("/api/helpdesk/search?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8), "Authorization", bearer);
		assertThat(response.statusCode()).as("%s: %s", query, response.body()).isEqualTo(200);
		List<String> titles = new ArrayList<>();
		Api.json(response).path("items").forEach((item) -> titles.add(item.path("title").asString()));
		return titles;
	}

	private static Set<String> cachedSearches(StringRedisTemplate keys, String query) {
		return keys.keys(TestRedis.KEY_PREFIX + ":cache:" + KnowledgeBase.SEARCH_CACHE + "::{acme}:*:" + query);
	}

}
