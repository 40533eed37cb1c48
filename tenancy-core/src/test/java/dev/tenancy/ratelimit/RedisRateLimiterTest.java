package dev.tenancy.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.RedisApi;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.ratelimit.RateLimitDecision.PolicyStatus;
import dev.tenancy.ratelimit.RateLimitDecision.Source;

import static dev.tenancy.ratelimit.RateLimitTesting.decide;
import static dev.tenancy.ratelimit.RateLimitTesting.limit;
import static dev.tenancy.ratelimit.RateLimitTesting.request;
import static dev.tenancy.ratelimit.RateLimitTesting.tenant;
import static dev.tenancy.ratelimit.RateLimitTesting.uniquePrefix;
import static dev.tenancy.ratelimit.RateLimitTesting.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@link RedisRateLimiter} against a real Redis: several limits, cost classes, plan
 * changes, keys and their TTLs, and Redis commands per decision. Hour-long windows keep
 * refill out of the counts.
 */
class RedisRateLimiterTest {

	static final Duration HOUR = Duration.ofHours(1);

	static ClientResources resources;

	static RedisClient client;

	static StatefulRedisConnection<String, byte[]> connection;

	static StatefulRedisConnection<String, String> plain;

	@BeforeAll
	static void connect() {
		resources = ClientResources.create();
		client = RateLimitTesting.client(resources);
		connection = client.connect(RedisRateLimiter.CODEC);
		plain = client.connect();
	}

	@AfterAll
	static void disconnect() {
		plain.close();
		connection.close();
		client.shutdown();
		resources.shutdown();
	}

	static RedisRateLimiter limiter(String prefix) {
		return new RedisRateLimiter(connection, RedisRateLimiter.Settings.defaults().withKeyPrefix(prefix));
	}

	@Test
	void admitsTheBurstThenRejectsUntilTheNextRefill() {
		RedisRateLimiter limiter = limiter(uniquePrefix());
		Tenant tenant = tenant(uniqueTenant("burst"), 1, limit(5, Duration.ofMinutes(1)));
		long start = System.nanoTime();
		for (int i = 4; i >= 0; i--) {
			RateLimitDecision decision = decide(limiter, request(tenant, null, null));
			assertThat(decision.allowed()).isTrue();
			assertThat(decision.source()).isEqualTo(Source.REDIS);
			assertThat(decision.statuses()).extracting(PolicyStatus::remaining).containsExactly((long) i);
			assertThat(decision.statuses().get(0).resetSeconds()).as("the whole 5 come back at the window's end")
				.isBetween(59L, 60L);
		}
		RateLimitDecision rejected = decide(limiter, request(tenant, null, null));
		long elapsed = System.nanoTime() - start;
		assertThat(rejected.allowed()).isFalse();
		assertThat(rejected.rejectedBy()).isEqualTo("tenant");
		// interval refill: nothing comes back before the minute is over
		assertThat(rejected.retryAfterNanos()).isBetween(TimeUnit.SECONDS.toNanos(60) - elapsed,
				TimeUnit.SECONDS.toNanos(60));
		assertThat(rejected.retryAfterSeconds()).isBetween(59L, 60L);
		assertThat(rejected.statuses().get(0).resetNanos()).isEqualTo(rejected.retryAfterNanos());
	}

	@Test
	void aBurstAboveTheLimitReportsTheNextRefillNotTheTimeToFull() {
		RedisRateLimiter limiter = limiter(uniquePrefix());
		Tenant tenant = tenant(uniqueTenant("burst-above"), 1,
				new TenantConfig.RateLimit(2, Duration.ofMinutes(1), 6, null, null));
		for (int i = 0; i < 6; i++) {
			RateLimitDecision decision = decide(limiter, request(tenant, null, null));
			assertThat(decision.allowed()).isTrue();
			assertThat(decision.statuses().get(0).resetSeconds()).as("t is the next refill, within one window")
				.isBetween(59L, 60L);
		}
		RateLimitDecision rejected = decide(limiter, request(tenant, null, null));
		assertThat(rejected.allowed()).isFalse();
		assertThat(rejected.retryAfterSeconds()).isBetween(59L, 60L);
	}

	@Test
	void aRequestTheUserLimitRejectsSpendsNothingOfTheTenant() {
		RedisRateLimiter limiter = limiter(uniquePrefix());
		Tenant tenant = tenant(uniqueTenant("user-rejects"), 1, limit(100, HOUR, 3, null));
		for (int i = 0; i < 3; i++) {
			assertThat(decide(limiter, request(tenant, "alice", null)).allowed()).isTrue();
		}
		for (int i = 0; i < 5; i++) {
			RateLimitDecision rejected = decide(limiter, request(tenant, "alice", null));
			assertThat(rejected.allowed()).isFalse();
			assertThat(rejected.rejectedBy()).isEqualTo("user");
			assertThat(rejected.statuses()).extracting(PolicyStatus::policy).containsExactly("user");
		}
		RateLimitDecision bob = decide(limiter, request(tenant, "bob", null));
		assertThat(bob.allowed()).isTrue();
		assertThat(status(bob, "tenant").remaining()).as("alice's 3 and bob's 1, nothing for the rejections")
			.isEqualTo(96);
		assertThat(status(bob, "user").remaining()).isEqualTo(2);
		assertThat(available(limiter.keys().tenant(tenant.id()), tenant, false)).isEqualTo(96);
	}

	@Test
	void aRequestTheTenantLimitRejectsSpendsNothingOfTheUser() {
		RedisRateLimiter limiter = limiter(uniquePrefix());
		Tenant tenant = tenant(uniqueTenant("tenant-rejects"), 1, limit(3, HOUR, 10, null));
		for (String user : List.of("bob", "carol", "dave")) {
			assertThat(decide(limiter, request(tenant, user, null)).allowed()).isTrue();
		}
		for (int i = 0; i < 5; i++) {
			RateLimitDecision rejected = decide(limiter, request(tenant, "alice", null));
			assertThat(rejected.allowed()).isFalse();
			assertThat(rejected.rejectedBy()).isEqualTo("tenant");
			assertThat(status(rejected, "user").remaining()).isEqualTo(10);
		}
		assertThat(available(limiter.keys().user(tenant.id(), "alice"), tenant, true))
			.as("alice's tokens all given back")
			.isEqualTo(10);
		assertThat(available(limiter.keys().tenant(tenant.id()), tenant, false)).isZero();
	}

	@Test
	void routeCostClassesTakeSeveralTokensFromEveryLimit() {
		RedisRateLimiter limiter = limiter(uniquePrefix());
		Tenant tenant = tenant(uniqueTenant("costs"), 1, limit(12, HOUR, 11, Map.of("helpdesk", 5L)));
		RateLimitDecision first = decide(limiter, request(tenant, "alice", "helpdesk"));
		assertThat(status(first, "tenant").remaining()).isEqualTo(7);
		assertThat(status(first, "user").remaining()).isEqualTo(6);
		RateLimitDecision second = decide(limiter, request(tenant, "alice", "helpdesk"));
		assertThat(status(second, "tenant").remaining()).isEqualTo(2);
		assertThat(status(second, "user").remaining()).isEqualTo(1);
		RateLimitDecision third = decide(limiter, request(tenant, "bob", "helpdesk"));
		assertThat(third.allowed()).as("5 needed, 2 left").isFalse();
		assertThat(third.rejectedBy()).isEqualTo("tenant");
		RateLimitDecision cheap = decide(limiter, request(tenant, "bob", "search"));
		assertThat(cheap.allowed()).as("an unlisted class costs 1").isTrue();
		assertThat(status(cheap, "tenant").remaining()).isEqualTo(1);
		assertThat(status(cheap, "user").remaining()).as("bob's rejected 5 given back").isEqualTo(10);
	}

	@Test
	void aPlanChangeAppliesFromTheNextRequestOnEveryInstance() {
		String prefix = uniquePrefix();
		RedisRateLimiter first = limiter(prefix);
		TenantId id = uniqueTenant("plan-change");
		Tenant v1 = tenant(id, 1, limit(10, HOUR));
		for (int i = 0; i < 10; i++) {
			assertThat(decide(first, request(v1, null, null)).allowed()).isTrue();
		}
		assertThat(decide(first, request(v1, null, null)).allowed()).isFalse();

		try (StatefulRedisConnection<String, byte[]> other = client.connect(RedisRateLimiter.CODEC)) {
			RedisRateLimiter second = new RedisRateLimiter(other,
					RedisRateLimiter.Settings.defaults().withKeyPrefix(prefix));
			Tenant v2 = tenant(id, 2, limit(20, HOUR));
			RateLimitDecision upgraded = decide(second, request(v2, null, null));
			assertThat(upgraded.allowed()).as("10 more tokens with the larger plan").isTrue();
			assertThat(upgraded.statuses().get(0).remaining()).isEqualTo(9);
			// The first instance still has version 1 cached: it uses the newer stored
			// plan.
			for (int i = 0; i < 9; i++) {
				assertThat(decide(first, request(v1, null, null)).allowed()).isTrue();
			}
			assertThat(decide(first, request(v1, null, null)).allowed()).isFalse();
			assertThat(decide(second, request(v2, null, null)).allowed()).isFalse();

			Tenant v3 = tenant(id, 3, limit(100, HOUR));
			assertThat(decide(first, request(v3, null, null)).statuses().get(0).remaining()).isEqualTo(79);
			Tenant v4 = tenant(id, 4, limit(5, HOUR));
			RateLimitDecision downgraded = decide(second, request(v4, null, null));
			assertThat(downgraded.statuses().get(0).remaining()).as("capped at the smaller capacity").isEqualTo(4);
		}
	}

	@Test
	void everyKeyHasATtlAndTheTenantHashTagAndATenantsKeysShareASlot() {
		String prefix = uniquePrefix();
		RedisRateLimiter limiter = limiter(prefix);
		Tenant tenant = tenant(uniqueTenant("keys"), 1, limit(100, HOUR, 10, null));
		for (String user : List.of("alice", "bob", "alice@acme-travel.example")) {
			decide(limiter, request(tenant, user, null));
		}
		decide(limiter, request(tenant, null, null));
		RedisCommands<String, String> redis = plain.sync();
		List<String> keys = new ArrayList<>();
		ScanIterator.scan(redis, ScanArgs.Builder.matches(prefix + "*").limit(1000)).forEachRemaining(keys::add);
		String tenantKey = prefix + "{" + tenant.id().value() + "}:tenant";
		assertThat(keys).hasSize(4).contains(tenantKey);
		for (String key : keys) {
			assertThat(key).startsWith(prefix + "{" + tenant.id().value() + "}:")
				.doesNotContain("alice")
				.doesNotContain("bob");
			assertThat(redis.pttl(key)).as("TTL of %s", key).isPositive();
			assertThat(SlotHash.getSlot(key)).isEqualTo(SlotHash.getSlot(tenantKey));
		}
		assertThat(keys).contains(prefix + "{" + tenant.id().value() + "}:user:" + RateLimitKeys.hash("alice"));
		// tokens spent at 100 (10) per hour come back all at once when the hour is over:
		// full again
		// then, plus 1 s
		assertThat((double) redis.pttl(tenantKey)).isCloseTo(3_601_000, within(3_000d));
		assertThat((double) redis.pttl(limiter.keys().user(tenant.id(), "bob"))).isCloseTo(3_601_000, within(3_000d));
	}

	@Test
	void aTenantWithoutRateLimitIsNotLimited() {
		Tenant tenant = tenant(uniqueTenant("unlimited"), 1, null);
		assertThat(RateLimitRequest.of(tenant, "alice", null)).isEmpty();
	}

	@Test
	void redisCommandsPerDecision() {
		List<String> commands = new CopyOnWriteArrayList<>();
		RedisRateLimiter limiter = new RedisRateLimiter(
				new Bucket4jLettuce.LettuceBasedProxyManagerBuilder<>(counting(connection.async(), commands::add)),
				RedisRateLimiter.Settings.defaults().withKeyPrefix(uniquePrefix()));
		Tenant tenant = tenant(uniqueTenant("commands"), 1, limit(3, HOUR, 2, null));

		decide(limiter, request(tenant, null, null));
		assertThat(commands).as("new key").containsExactly("GET", "GET", "EVAL");
		commands.clear();
		decide(limiter, request(tenant, null, null));
		assertThat(commands).as("tenant only, admitted").containsExactly("GET", "EVAL");
		commands.clear();
		decide(limiter, request(tenant, "alice", null));
		commands.clear();
		decide(limiter, request(tenant, "alice", null));
		assertThat(commands).as("the tenant rejects: user taken, tenant read, user given back")
			.containsExactly("GET", "EVAL", "GET", "GET", "EVAL");
		commands.clear();
		decide(limiter, request(tenant, null, null));
		assertThat(commands).as("tenant only, rejected").containsExactly("GET");

		Tenant other = tenant(uniqueTenant("commands"), 1, limit(100, HOUR, 1, null));
		decide(limiter, request(other, "bob", null));
		commands.clear();
		decide(limiter, request(other, "carol", null));
		assertThat(commands).as("admitted by user (new key) and tenant")
			.containsExactly("GET", "GET", "EVAL", "GET", "EVAL");
		commands.clear();
		decide(limiter, request(other, "carol", null));
		assertThat(commands).as("the user rejects").containsExactly("GET");
		commands.clear();
		decide(limiter, request(tenant(other.id(), 2, limit(100, HOUR, 5, null)), "carol", null));
		assertThat(commands).as("a new version: read, then replace and consume")
			.containsExactly("GET", "GET", "EVAL", "GET", "GET", "EVAL");
	}

	private long available(String key, Tenant tenant, boolean user) {
		RateLimitPlan plan = RateLimitPlan.of(tenant).orElseThrow();
		AsyncBucketProxy bucket = Bucket4jLettuce.casBasedBuilder(connection)
			.build()
			.asAsync()
			.builder()
			.build(key, Buckets.configuration(user ? plan.userLimit() : plan.tenantLimit()));
		try {
			return bucket.getAvailableTokens().get(5, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError(ex);
		}
	}

	private static PolicyStatus status(RateLimitDecision decision, String policy) {
		return decision.statuses()
			.stream()
			.filter((status) -> status.policy().equals(policy))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No status of " + policy + " in " + decision));
	}

	/**
	 * Bucket4j's view of Redis, telling each command it sends. Generic in K on purpose:
	 * bucket4j passes keys as an Object[] it casts to K[].
	 */
	static <K> RedisApi<K> counting(RedisAsyncCommands<K, byte[]> redis, Consumer<String> commands) {
		return new RedisApi<>() {

			@Override
			public <V> RedisFuture<V> eval(String script, ScriptOutputType type, K[] keys, byte[][] params) {
				commands.accept("EVAL");
				return redis.eval(script, type, keys, params);
			}

			@Override
			public RedisFuture<byte[]> get(K key) {
				commands.accept("GET");
				return redis.get(key);
			}

			@Override
			public RedisFuture<?> delete(K key) {
				commands.accept("DEL");
				return redis.del(key);
			}

		};
	}

}
