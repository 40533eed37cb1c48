package dev.tenancy.ratelimit;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

import dev.tenancy.Tenant;
import dev.tenancy.ratelimit.RateLimitDecision.Source;
import dev.tenancy.test.TcpProxy;

import static dev.tenancy.ratelimit.RateLimitTesting.decide;
import static dev.tenancy.ratelimit.RateLimitTesting.limit;
import static dev.tenancy.ratelimit.RateLimitTesting.request;
import static dev.tenancy.ratelimit.RateLimitTesting.tenant;
import static dev.tenancy.ratelimit.RateLimitTesting.uniquePrefix;
import static dev.tenancy.ratelimit.RateLimitTesting.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link RedisRateLimitClient}: the limiter with its own client and connection, which an
 * instance can start while Redis is away.
 */
class RedisRateLimitClientTest {

	static final Duration HOUR = Duration.ofHours(1);

	static RedisRateLimitClient.Settings settings(String prefix) {
		return new RedisRateLimitClient.Settings(RedisRateLimiter.Settings.defaults().withKeyPrefix(prefix),
				Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofMillis(100));
	}

	@Test
	void connectsDecidesInRedisAndCloses() {
		URI redis = RateLimitTesting.redis();
		String prefix = uniquePrefix();
		RedisRateLimitClient client = RedisRateLimitClient.standalone(RedisURI.create(redis), settings(prefix));
		try {
			assertThat(client.target()).isEqualTo(redis.getHost() + ":" + redis.getPort());
			assertThat(client.keys().prefix()).isEqualTo(prefix);
			assertThat(client.awaitConnected(Duration.ofSeconds(5))).isTrue();
			assertThat(client.isConnected()).isTrue();
			Tenant tenant = tenant(uniqueTenant("client"), 1, limit(2, HOUR));
			assertThat(decide(client, request(tenant, null, null)).source()).isEqualTo(Source.REDIS);
			assertThat(decide(client, request(tenant, null, null)).allowed()).isTrue();
			assertThat(decide(client, request(tenant, null, null)).allowed()).isFalse();
		}
		finally {
			client.close();
		}
		assertThat(client.isConnected()).isFalse();
		assertThat(client.connect()).isCompletedWithValue(false);
		client.close();
	}

	@Test
	void startsWhileRedisIsAwayFailingFastAndConnectsWhenItComes() throws Exception {
		URI redis = RateLimitTesting.redis();
		try (TcpProxy proxy = new TcpProxy(redis.getHost(), redis.getPort())) {
			proxy.cut();
			RedisRateLimitClient client = RedisRateLimitClient.standalone(RedisURI.create(proxy.host(), proxy.port()),
					settings(uniquePrefix()));
			try {
				long start = System.nanoTime();
				assertThat(client.awaitConnected(Duration.ofSeconds(2))).isFalse();
				assertThat(System.nanoTime() - start).as("a refused connection fails fast")
					.isLessThan(TimeUnit.MILLISECONDS.toNanos(1500));
				assertThat(client.isConnected()).isFalse();
				Tenant tenant = tenant(uniqueTenant("away"), 1, limit(100, HOUR));
				for (int i = 0; i < 5; i++) {
					long sent = System.nanoTime();
					assertThatThrownBy(() -> client.consume(request(tenant, null, null)).toCompletableFuture().get())
						.isInstanceOf(ExecutionException.class)
						.hasRootCauseInstanceOf(IllegalStateException.class)
						.hasMessageContaining("Not connected to Redis");
					// Well under the 500 ms connect timeout: no call waits for a
					// connection (the bound
					// is loose because this machine's two cores are often busy with other
					// work).
					assertThat(System.nanoTime() - sent).isLessThan(TimeUnit.MILLISECONDS.toNanos(400));
				}
				proxy.restore();
				long restored = System.nanoTime();
				RateLimitDecision decision = null;
				while (decision == null && System.nanoTime() - restored < TimeUnit.SECONDS.toNanos(5)) {
					try {
						decision = client.consume(request(tenant, null, null))
							.toCompletableFuture()
							.get(2, TimeUnit.SECONDS);
					}
					catch (ExecutionException ex) {
						Thread.sleep(20);
					}
				}
				assertThat(decision).as("connected by itself after Redis came").isNotNull();
				assertThat(decision.source()).isEqualTo(Source.REDIS);
				assertThat(client.isConnected()).isTrue();
			}
			finally {
				client.close();
			}
		}
	}

}
