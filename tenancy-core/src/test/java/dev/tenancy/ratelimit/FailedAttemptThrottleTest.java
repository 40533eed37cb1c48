package dev.tenancy.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tenancy.Tenant;

import static dev.tenancy.ratelimit.RateLimitTesting.limit;
import static dev.tenancy.ratelimit.RateLimitTesting.request;
import static dev.tenancy.ratelimit.RateLimitTesting.tenant;
import static dev.tenancy.ratelimit.RateLimitTesting.uniquePrefix;
import static dev.tenancy.ratelimit.RateLimitTesting.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RateLimiter#peek} on the Redis, local and fallback limiters, and
 * {@link FailedAttemptThrottle} on the real Redis: only failures count, the check
 * consumes nothing, keys are hashed and hash-tagged and expire.
 */
class FailedAttemptThrottleTest {

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

	/**
	 * Generous: what is tested is what Redis decides, not how fast a loaded machine gets
	 * there.
	 */
	private static RedisRateLimiter.Settings settings(String prefix) {
		return RedisRateLimiter.Settings.defaults().withKeyPrefix(prefix).withRequestTimeout(Duration.ofSeconds(2));
	}

	private static RateLimitDecision peek(RateLimiter limiter, RateLimitRequest request) throws Exception {
		return limiter.peek(request).toCompletableFuture().get(5, TimeUnit.SECONDS);
	}

	@Test
	void peekingConsumesNothingAndTellsTheDecisionAConsumptionWouldGet() throws Exception {
		for (RateLimiter limiter : List.of(new RedisRateLimiter(connection, settings(uniquePrefix())),
				new LocalRateLimiter(1))) {
			Tenant tenant = tenant(uniqueTenant("peek"), 1, limit(3, Duration.ofMinutes(1)));
			for (int i = 0; i < 10; i++) {
				RateLimitDecision peeked = peek(limiter, request(tenant, null, null));
				assertThat(peeked.allowed()).isTrue();
				assertThat(peeked.statuses().get(0).remaining()).isEqualTo(3);
			}
			for (int i = 0; i < 3; i++) {
				assertThat(RateLimitTesting.decide(limiter, request(tenant, null, null)).allowed()).isTrue();
			}
			RateLimitDecision peeked = peek(limiter, request(tenant, null, null));
			assertThat(peeked.allowed()).as(limiter.getClass().getSimpleName()).isFalse();
			assertThat(peeked.rejectedBy()).isEqualTo(RateLimitPolicy.TENANT);
			assertThat(peeked.retryAfterSeconds()).isBetween(1L, 60L);
		}
	}

	@Test
	void fallbackPeeksLocallyWhileRedisFails() throws Exception {
		RateLimiter down = (request) -> CompletableFuture.failedFuture(new IllegalStateException("Redis is down"));
		RateLimiter downPeeking = new RateLimiter() {

			@Override
			public CompletableFuture<RateLimitDecision> consume(RateLimitRequest request) {
				return CompletableFuture.failedFuture(new IllegalStateException("Redis is down"));
			}

			@Override
			public CompletableFuture<RateLimitDecision> peek(RateLimitRequest request) {
				return CompletableFuture.failedFuture(new IllegalStateException("Redis is down"));
			}

		};
		for (RateLimiter redis : List.of(down, downPeeking)) {
			LocalRateLimiter local = new LocalRateLimiter(1);
			FallbackRateLimiter fallback = new FallbackRateLimiter(redis, local);
			Tenant tenant = tenant(uniqueTenant("fallback"), 1, limit(2, Duration.ofMinutes(1)));
			RateLimitTesting.decide(fallback, request(tenant, null, null));
			RateLimitTesting.decide(fallback, request(tenant, null, null));
			RateLimitDecision peeked = peek(fallback, request(tenant, null, null));
			assertThat(peeked.allowed()).isFalse();
			assertThat(peeked.source()).isEqualTo(RateLimitDecision.Source.LOCAL);
		}
	}

	@Test
	void onlyFailuresCountAndAThrottledCallerStaysThrottled() {
		String prefix = uniquePrefix();
		RedisRateLimiter redis = new RedisRateLimiter(connection, settings(prefix));
		FailedAttemptThrottle throttle = new FailedAttemptThrottle(redis, "test",
				new FailedAttemptThrottle.Settings(3, 5, Duration.ofMinutes(1), Duration.ofSeconds(2)));
		String client = "client-" + UUID.randomUUID();
		String address = "192.0.2.7";

		for (int i = 0; i < 20; i++) {
			assertThat(throttle.check(client, address).throttled()).as("checks consume nothing").isFalse();
		}
		for (int i = 0; i < 3; i++) {
			assertThat(throttle.check(client, address).throttled()).isFalse();
			assertThat(throttle.failed(client, address).throttled()).isFalse();
		}
		FailedAttemptThrottle.Verdict throttled = throttle.check(client, address);
		assertThat(throttled.throttled()).isTrue();
		assertThat(throttled.retryAfterSeconds()).isBetween(1L, 60L);
		assertThat(throttle.check(client, "192.0.2.8").throttled()).as("the client from elsewhere").isFalse();
		assertThat(throttle.check("another-client", address).throttled()).as("another client, same address").isTrue();

		// A peek at a missing bucket may store a full one (for a second): every key is
		// hashed anyway.
		List<String> keys = plain.sync().keys(prefix + "*");
		assertThat(keys).contains(prefix + "{" + throttle.clientBucket(client) + "}:tenant",
				prefix + "{" + throttle.addressBucket(address) + "}:tenant");
		assertThat(keys).allSatisfy((key) -> assertThat(key)
			.matches(java.util.regex.Pattern.quote(prefix) + "\\{test-[ac]-[0-9a-f]{32}\\}:tenant"));
		assertThat(String.join(" ", keys)).doesNotContain(client, address);
		for (String key : keys) {
			assertThat(plain.sync().pttl(key)).isBetween(1L, 62_000L);
		}
	}

	@Test
	void aClientsBudgetIsSharedByEveryAddress() {
		FailedAttemptThrottle throttle = new FailedAttemptThrottle(new LocalRateLimiter(1), "test",
				new FailedAttemptThrottle.Settings(3, 5, Duration.ofMinutes(1), Duration.ofSeconds(2)));
		String client = "client-" + UUID.randomUUID();
		for (int i = 0; i < 5; i++) {
			assertThat(throttle.failed(client, "198.51.100." + i).throttled()).isFalse();
		}
		assertThat(throttle.check(client, "203.0.113.1").throttled()).isTrue();
		assertThat(throttle.check(null, "203.0.113.1").throttled()).as("without a client, only the address").isFalse();
	}

	@Test
	void aLimiterThatDoesNotAnswerDoesNotThrottle() {
		RateLimiter never = (request) -> new CompletableFuture<>();
		FailedAttemptThrottle throttle = new FailedAttemptThrottle(never, "test",
				new FailedAttemptThrottle.Settings(1, 1, Duration.ofMinutes(1), Duration.ofMillis(100)));
		long start = System.nanoTime();
		assertThat(throttle.check("c", "a").throttled()).isFalse();
		assertThat(throttle.failed("c", "a").throttled()).isFalse();
		assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isLessThan(2_000);
	}

	@Test
	void hostileClientIdsNeverReachAKeyRaw() {
		FailedAttemptThrottle throttle = new FailedAttemptThrottle(new LocalRateLimiter(1), "test",
				FailedAttemptThrottle.Settings.defaults());
		for (String hostile : new String[] { "}{evil", "a".repeat(10_000), "\u0000\r\n", "ünïcode", "" }) {
			assertThat(throttle.clientBucket(hostile)).matches("test-c-[0-9a-f]{32}");
			assertThat(throttle.failed(hostile, hostile).throttled()).isFalse();
		}
	}

}
