package dev.tenancy.ratelimit;

import java.time.Duration;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link RedisRateLimiter#charge}: every bucket of the request pays, down to empty and
 * never below, and nothing is rejected. On the shared Redis.
 */
class RedisRateLimiterChargeTest {

	static ClientResources resources;

	static RedisClient client;

	static StatefulRedisConnection<String, byte[]> connection;

	@BeforeAll
	static void connect() {
		resources = ClientResources.create();
		client = RateLimitTesting.client(resources);
		connection = client.connect(RedisRateLimiter.CODEC);
	}

	@AfterAll
	static void close() {
		connection.close();
		client.shutdown();
		resources.shutdown();
	}

	RedisRateLimiter limiter() {
		return new RedisRateLimiter(connection,
				RedisRateLimiter.Settings.defaults()
					.withKeyPrefix(uniquePrefix())
					.withRequestTimeout(Duration.ofSeconds(2)));
	}

	@Test
	void theTenantAndTheUserBucketPay() throws Exception {
		RedisRateLimiter limiter = limiter();
		Tenant tenant = tenant(uniqueTenant("charge"), 1, limit(100, Duration.ofHours(1), 20, null));
		limiter.charge(request(tenant, "alice", null), 7).toCompletableFuture().get(5, TimeUnit.SECONDS);
		RateLimitDecision decision = RateLimitTesting.decide(limiter, request(tenant, "alice", null));
		assertThat(decision.statuses()).extracting(RateLimitDecision.PolicyStatus::remaining)
			.containsExactly(100L - 7 - 1, 20L - 7 - 1);
		limiter.charge(request(tenant, null, null), 2).toCompletableFuture().get(5, TimeUnit.SECONDS);
		assertThat(RateLimitTesting.decide(limiter, request(tenant, "bob", null)).statuses())
			.extracting(RateLimitDecision.PolicyStatus::remaining)
			.as("a tenant-only charge leaves users alone")
			.containsExactly(100L - 7 - 1 - 2 - 1, 19L);
	}

	@Test
	void aChargeLargerThanTheBucketEmptiesItAndLeavesNoDebt() throws Exception {
		RedisRateLimiter limiter = limiter();
		Duration window = Duration.ofSeconds(2);
		Tenant tenant = tenant(uniqueTenant("floor"), 1, limit(3, window));
		limiter.charge(request(tenant, null, null), 10).toCompletableFuture().get(5, TimeUnit.SECONDS);
		RateLimitDecision empty = RateLimitTesting.decide(limiter, request(tenant, null, null));
		assertThat(empty.allowed()).isFalse();
		Thread.sleep(empty.retryAfterNanos() / 1_000_000 + 50);
		int admitted = 0;
		for (int i = 0; i < 5; i++) {
			admitted += RateLimitTesting.decide(limiter, request(tenant, null, null)).allowed() ? 1 : 0;
		}
		assertThat(admitted).as("the refill is whole: the charge left no debt").isEqualTo(3);
	}

	@Test
	void nothingToChargeIsRefused() {
		Tenant tenant = tenant(uniqueTenant("zero"), 1, limit(3, Duration.ofHours(1)));
		assertThatThrownBy(
				() -> limiter().charge(request(tenant, null, null), 0).toCompletableFuture().get(5, TimeUnit.SECONDS))
			.hasCauseInstanceOf(IllegalArgumentException.class);
	}

}
