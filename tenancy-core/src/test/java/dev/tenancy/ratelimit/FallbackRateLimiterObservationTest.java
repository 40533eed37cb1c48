package dev.tenancy.ratelimit;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tenancy.Tenant;
import dev.tenancy.test.TcpProxy;

import static dev.tenancy.ratelimit.RateLimitTesting.decide;
import static dev.tenancy.ratelimit.RateLimitTesting.limit;
import static dev.tenancy.ratelimit.RateLimitTesting.request;
import static dev.tenancy.ratelimit.RateLimitTesting.tenant;
import static dev.tenancy.ratelimit.RateLimitTesting.uniquePrefix;
import static dev.tenancy.ratelimit.RateLimitTesting.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FallbackRateLimiter}'s observations on real Redis: a decision with the tenant,
 * its source, its outcome and whether it fell back (and why), with the Redis call as its
 * child; nothing is observed without a registry.
 */
class FallbackRateLimiterObservationTest {

	static final FallbackRateLimiter.Settings FAST = new FallbackRateLimiter.Settings(Duration.ofMillis(100), 2,
			Duration.ofMinutes(1));

	final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

	final ObservationRegistry observations = ObservationRegistry.create();

	TcpProxy proxy;

	ClientResources resources;

	RedisClient client;

	StatefulRedisConnection<String, byte[]> connection;

	@AfterEach
	void close() {
		this.connection.close();
		this.client.shutdown();
		this.resources.shutdown();
		this.proxy.close();
	}

	FallbackRateLimiter limiter() {
		this.observations.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

			@Override
			public void onStop(Observation.Context context) {
				FallbackRateLimiterObservationTest.this.stopped.add(context);
			}

		});
		URI redis = RateLimitTesting.redis();
		this.proxy = new TcpProxy(redis.getHost(), redis.getPort());
		this.resources = RateLimitTesting.fastReconnect();
		this.client = RateLimitTesting.client(this.resources, this.proxy.host(), this.proxy.port());
		this.client.setOptions(RedisRateLimiter.clientOptions(Duration.ofMillis(100)));
		this.connection = this.client.connect(RedisRateLimiter.CODEC);
		RedisRateLimiter redisLimiter = new RedisRateLimiter(this.connection,
				RedisRateLimiter.Settings.defaults().withKeyPrefix(uniquePrefix()));
		return new FallbackRateLimiter(redisLimiter, new LocalRateLimiter(3), FAST,
				FailureModePolicy.always(FailureMode.LOCAL), RateLimitMetrics.NONE);
	}

	@Test
	void decisionsAreObservedWithTenantSourceOutcomeAndFallback() {
		FallbackRateLimiter limiter = limiter();
		Tenant tenant = tenant(uniqueTenant("observed"), 1, limit(1_000, Duration.ofHours(1)));
		decide(limiter, request(tenant, null, null));
		assertThat(this.stopped).as("no registry, no observations").isEmpty();

		limiter.setObservationRegistry(this.observations);
		decide(limiter, request(tenant, null, null));
		Observation.Context decision = only(FallbackRateLimiter.OBSERVATION);
		assertThat(decision.getHighCardinalityKeyValue("tenant_id").getValue()).isEqualTo(tenant.id().value());
		assertThat(decision.getLowCardinalityKeyValue("source").getValue()).isEqualTo("redis");
		assertThat(decision.getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("allowed");
		assertThat(decision.getLowCardinalityKeyValue("fallback").getValue()).isEqualTo("none");
		assertThat(decision.getLowCardinalityKeyValue("tenant_id")).as("never a metric tag").isNull();
		Observation.Context call = only(FallbackRateLimiter.REDIS_OBSERVATION);
		assertThat(call.getParentObservation().getContextView().getName()).isEqualTo(FallbackRateLimiter.OBSERVATION);
		assertThat(call.getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("success");

		// Redis goes away: the decisions fall back (local), saying why
		this.proxy.cut();
		this.stopped.clear();
		decide(limiter, request(tenant, null, null));
		decision = only(FallbackRateLimiter.OBSERVATION);
		assertThat(decision.getLowCardinalityKeyValue("fallback").getValue()).isIn("error", "timeout");
		assertThat(decision.getLowCardinalityKeyValue("source").getValue()).isEqualTo("local");
		assertThat(only(FallbackRateLimiter.REDIS_OBSERVATION).getLowCardinalityKeyValue("outcome").getValue())
			.isIn("error", "timeout");

		decide(limiter, request(tenant, null, null));
		this.stopped.clear();
		decide(limiter, request(tenant, null, null));
		decision = only(FallbackRateLimiter.OBSERVATION);
		assertThat(decision.getLowCardinalityKeyValue("fallback").getValue()).isEqualTo("circuit_open");
		assertThat(this.stopped).as("an open breaker asks no Redis")
			.noneMatch((context) -> context.getName().equals(FallbackRateLimiter.REDIS_OBSERVATION));
	}

	private Observation.Context only(String name) {
		List<Observation.Context> named = this.stopped.stream()
			.filter((context) -> context.getName().equals(name))
			.toList();
		assertThat(named).as(name).hasSize(1);
		return named.get(0);
	}

}
