package dev.tenancy.ratelimit;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tenancy.Tenant;

import static dev.tenancy.ratelimit.RateLimitTesting.decide;
import static dev.tenancy.ratelimit.RateLimitTesting.limit;
import static dev.tenancy.ratelimit.RateLimitTesting.request;
import static dev.tenancy.ratelimit.RateLimitTesting.tenant;
import static dev.tenancy.ratelimit.RateLimitTesting.uniquePrefix;
import static dev.tenancy.ratelimit.RateLimitTesting.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The script engine on the shared standalone Redis: the behaviour both engines share,
 * plus what only this one promises: Redis's clock, one script call per decision (fewer on
 * a hot tenant), keyed user keys and their TTLs.
 */
class ScriptRateLimiterTest extends RateLimiterContract {

	static final String SECRET = "test-secret";

	static RedisStores stores;

	static RedisClient plainClient;

	static StatefulRedisConnection<String, String> plainConnection;

	@BeforeAll
	static void start() {
		stores = RedisStores.standalone();
		plainClient = RedisClient.create(RedisURI.create(RateLimitTesting.redis()));
		plainConnection = plainClient.connect();
	}

	@AfterAll
	static void stop() {
		if (plainConnection != null) {
			plainConnection.close();
			plainClient.shutdown();
		}
		if (stores != null) {
			stores.close();
		}
	}

	static RedisRateLimiter.Settings settings(String prefix) {
		return RedisRateLimiter.Settings.defaults()
			.withKeyPrefix(prefix)
			.withRequestTimeout(Duration.ofSeconds(5))
			.withUserKeySecret(SECRET);
	}

	@Override
	RateLimiter limiter(String prefix) {
		return stores.script(settings(prefix));
	}

	@Override
	RateLimiter otherInstance(String prefix) {
		return limiter(prefix);
	}

	@Test
	void instancesClocksDoNotMatterUnlikeBucket4jsClientClock() {
		Tenant tenant = tenant(uniqueTenant("clocks"), 1, limit(2, Duration.ofMinutes(10)));
		// bucket4j computes on each instance's clock: one an hour ahead sees the window
		// over and refills.
		String bucket4jPrefix = uniquePrefix();
		RedisRateLimiter behind = new RedisRateLimiter(Bucket4jLettuce.casBasedBuilder(stores.connection()),
				settings(bucket4jPrefix), skewed(Duration.ZERO));
		RedisRateLimiter ahead = new RedisRateLimiter(Bucket4jLettuce.casBasedBuilder(stores.connection()),
				settings(bucket4jPrefix), skewed(Duration.ofHours(1)));
		assertThat(admitted(List.of(behind, ahead), tenant, 3)).as("bucket4j with skewed clocks over-admits")
			.isEqualTo(4);
		// The script engine has no instance clock to skew: Redis's TIME decides.
		String prefix = uniquePrefix();
		assertThat(admitted(List.of(limiter(prefix), otherInstance(prefix)), tenant, 3)).isEqualTo(2);
		RedisCommands<String, String> redis = plain();
		List<String> time = redis.time();
		long redisNow = Long.parseLong(time.get(0)) * 1_000_000 + Long.parseLong(time.get(1));
		long stamp = Long.parseLong(redis.get(prefix + "s:{" + tenant.id().value() + "}:tenant").split(" ")[1]);
		assertThat((double) stamp).as("the bucket is stamped with Redis's time, in microseconds")
			.isCloseTo(redisNow, within(5_000_000d));
	}

	@Test
	void oneScriptCallPerDecisionOnSpreadKeysAndFewOnAHotTenant() throws Exception {
		AtomicInteger evalsha = new AtomicInteger();
		AtomicInteger eval = new AtomicInteger();
		StatefulRedisConnection<String, byte[]> connection = stores.connection();
		ScriptRateLimiter limiter = new ScriptRateLimiter(counting(connection.async(), evalsha, eval),
				settings(uniquePrefix()));
		for (int i = 0; i < 20; i++) {
			Tenant tenant = tenant(uniqueTenant("spread"), 1, limit(100, HOUR, 10, Map.of("helpdesk", 5L)));
			assertThat(decide(limiter, request(tenant, "alice", "helpdesk")).allowed()).isTrue();
		}
		assertThat(evalsha.get()).as("one EVALSHA per decision, tenant, user and cost together").isEqualTo(20);
		assertThat(eval.get()).as("EVAL only once, if the server did not know the script").isLessThanOrEqualTo(1);

		evalsha.set(0);
		Tenant hot = tenant(uniqueTenant("hot"), 1, limit(40, HOUR, 1000, null));
		List<CompletableFuture<RateLimitDecision>> decisions = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			decisions.add(limiter.consume(request(hot, "user-" + (i % 13), null)).toCompletableFuture());
		}
		int admitted = 0;
		for (CompletableFuture<RateLimitDecision> decision : decisions) {
			admitted += decision.get(10, TimeUnit.SECONDS).allowed() ? 1 : 0;
		}
		assertThat(admitted).as("coalesced, still exact").isEqualTo(40);
		assertThat(evalsha.get()).as("200 decisions of one tenant coalesced into few calls").isLessThanOrEqualTo(20);
	}

	@Test
	void keysAreHashTaggedKeyedAndExpireWhenTheBucketWouldBeFull() {
		String prefix = uniquePrefix();
		ScriptRateLimiter limiter = stores.script(settings(prefix));
		Tenant tenant = tenant(uniqueTenant("keys"), 1, limit(100, HOUR, 10, null));
		decide(limiter, request(tenant, "alice@acme-travel.example", null));
		RedisCommands<String, String> redis = plain();
		List<String> keys = redis.keys(prefix + "*");
		String tenantKey = prefix + "s:{" + tenant.id().value() + "}:tenant";
		String userKey = limiter.keys().user(tenant.id(), "alice@acme-travel.example");
		assertThat(keys).containsExactlyInAnyOrder(tenantKey, userKey);
		assertThat(userKey).doesNotContain("alice")
			.doesNotEndWith(RateLimitKeys.hash("alice@acme-travel.example"))
			.endsWith(new RateLimitKeys("", SECRET).userHash("alice@acme-travel.example"));
		assertThat(new RateLimitKeys("", "another-secret").userHash("alice@acme-travel.example"))
			.isNotEqualTo(limiter.keys().userHash("alice@acme-travel.example"));
		for (String key : keys) {
			assertThat(SlotHash.getSlot(key)).isEqualTo(SlotHash.getSlot("{" + tenant.id().value() + "}"));
			assertThat((double) redis.pttl(key)).as("full again in an hour, kept 1 s more")
				.isCloseTo(3_601_000, within(3_000d));
		}
		assertThat(redis.get(tenantKey)).as("tokens, last refill, version, limit, window, capacity")
			.matches("99 \\d{16} 1 100 3600000000 100");
	}

	@Test
	void aRejectionWritesNothing() {
		String prefix = uniquePrefix();
		ScriptRateLimiter limiter = stores.script(settings(prefix));
		Tenant tenant = tenant(uniqueTenant("no-write"), 1, limit(1, HOUR));
		decide(limiter, request(tenant, null, null));
		RedisCommands<String, String> redis = plain();
		String key = prefix + "s:{" + tenant.id().value() + "}:tenant";
		String before = redis.get(key);
		long ttl = redis.pttl(key);
		assertThat(decide(limiter, request(tenant, null, null)).allowed()).isFalse();
		assertThat(redis.get(key)).isEqualTo(before);
		assertThat(redis.pttl(key)).isLessThanOrEqualTo(ttl);
		Tenant huge = tenant(uniqueTenant("no-write"), 1, limit(1, HOUR));
		assertThat(decide(limiter, request(huge, null, null)).allowed()).isTrue();
	}

	@Test
	void aPlanOutsideTheBoundsOfExactLimitingIsRefusedNotGuessed() {
		ScriptRateLimiter limiter = stores.script(settings(uniquePrefix()));
		RateLimitPolicy tooBig = new RateLimitPolicy("tenant", RateLimitPolicy.MAX_TOKENS + 1, HOUR,
				RateLimitPolicy.MAX_TOKENS + 1);
		RateLimitPlan plan = new RateLimitPlan(uniqueTenant("too-big"), 1, null, tooBig, null, null);
		assertThat(limiter.consume(new RateLimitRequest(plan, null, null)).toCompletableFuture())
			.failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.withRootCauseInstanceOf(IllegalArgumentException.class);
		RateLimitPolicy tooSlow = new RateLimitPolicy("tenant", 1, Duration.ofDays(365), 101);
		RateLimitPlan slow = new RateLimitPlan(uniqueTenant("too-slow"), 1, null, tooSlow, null, null);
		assertThat(limiter.consume(new RateLimitRequest(slow, null, null)).toCompletableFuture())
			.failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.withRootCauseInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void clientsWithoutASecretShareOneStoredInRedis() {
		URI uri = RateLimitTesting.redis();
		String prefix = uniquePrefix();
		RedisRateLimitClient.Settings settings = new RedisRateLimitClient.Settings(
				RedisRateLimiter.Settings.defaults().withKeyPrefix(prefix), Duration.ofSeconds(1),
				Duration.ofSeconds(1), Duration.ofMillis(200));
		try (RedisRateLimitClient first = RedisRateLimitClient.standalone(RedisURI.create(uri), settings);
				RedisRateLimitClient second = RedisRateLimitClient.standalone(RedisURI.create(uri), settings)) {
			assertThat(first.awaitConnected(Duration.ofSeconds(5))).isTrue();
			assertThat(second.awaitConnected(Duration.ofSeconds(5))).isTrue();
			Tenant tenant = tenant(uniqueTenant("shared-secret"), 1, limit(100, HOUR, 3, null));
			int admitted = 0;
			for (int i = 0; i < 4; i++) {
				admitted += decide(first, request(tenant, "alice", null)).allowed() ? 1 : 0;
				admitted += decide(second, request(tenant, "alice", null)).allowed() ? 1 : 0;
			}
			assertThat(admitted).as("one user bucket across both instances").isEqualTo(3);
			String secret = plain().get(prefix + "user-key-secret");
			assertThat(secret).hasSize(64);
			assertThat(plain().keys(prefix + "s:{" + tenant.id().value() + "}:user:*"))
				.containsExactly(new RateLimitKeys(prefix + "s:", secret).user(tenant.id(), "alice"));
		}
	}

	private static RedisCommands<String, String> plain() {
		return plainConnection.sync();
	}

	private static int admitted(List<? extends RateLimiter> instances, Tenant tenant, int each) {
		int admitted = 0;
		for (RateLimiter instance : instances) {
			for (int i = 0; i < each; i++) {
				admitted += decide(instance, request(tenant, null, null)).allowed() ? 1 : 0;
			}
		}
		return admitted;
	}

	private static TimeMeter skewed(Duration skew) {
		long skewNanos = skew.toNanos();
		return new TimeMeter() {

			@Override
			public long currentTimeNanos() {
				return System.currentTimeMillis() * 1_000_000L + skewNanos;
			}

			@Override
			public boolean isWallClockBased() {
				return true;
			}

		};
	}

	/** Counts the script commands a limiter sends. */
	@SuppressWarnings("unchecked")
	static RedisScriptingAsyncCommands<String, byte[]> counting(RedisScriptingAsyncCommands<String, byte[]> target,
			AtomicInteger evalsha, AtomicInteger eval) {
		InvocationHandler handler = (proxy, method, args) -> {
			if (method.getName().equals("evalsha")) {
				evalsha.incrementAndGet();
			}
			else if (method.getName().equals("eval")) {
				eval.incrementAndGet();
			}
			try {
				return method.invoke(target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
		};
		return (RedisScriptingAsyncCommands<String, byte[]>) Proxy.newProxyInstance(
				ScriptRateLimiterTest.class.getClassLoader(), new Class<?>[] { RedisScriptingAsyncCommands.class },
				handler);
	}

}
