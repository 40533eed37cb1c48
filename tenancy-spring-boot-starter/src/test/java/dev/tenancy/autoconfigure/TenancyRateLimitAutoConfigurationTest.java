package dev.tenancy.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.ratelimit.CircuitBreaker;
import dev.tenancy.ratelimit.FailureMode;
import dev.tenancy.ratelimit.FailureModePolicy;
import dev.tenancy.ratelimit.FallbackRateLimiter;
import dev.tenancy.ratelimit.LocalRateLimiter;
import dev.tenancy.ratelimit.MicrometerRateLimitMetrics;
import dev.tenancy.ratelimit.RateLimitDecision;
import dev.tenancy.ratelimit.RateLimitEngine;
import dev.tenancy.ratelimit.RateLimitKeys;
import dev.tenancy.ratelimit.RateLimitMetrics;
import dev.tenancy.ratelimit.RateLimitPlan;
import dev.tenancy.ratelimit.RateLimitRequest;
import dev.tenancy.ratelimit.RateLimiter;
import dev.tenancy.ratelimit.RedisRateLimitClient;
import dev.tenancy.test.TcpProxy;
import dev.tenancy.test.TestServices;
import dev.tenancy.web.RateLimitFilter;
import dev.tenancy.web.TenantIsolationFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rate-limit auto-configuration: on with a Redis location, off without one or when
 * disabled, backing off for the application's own beans, refusing invalid values by
 * property name, and the wiring against a real Redis (decisions, keys with TTLs, health,
 * metrics, Redis away at start-up).
 */
class TenancyRateLimitAutoConfigurationTest {

	private static final String PREFIX = "tenancy-test:" + UUID.randomUUID().toString().substring(0, 8) + ":rl";

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TenancyAutoConfiguration.class, TenancyRegistryAutoConfiguration.class,
				TenancyRateLimitAutoConfiguration.class, TenancyHealthContributorAutoConfiguration.class))
		.withPropertyValues("tenancy.rate-limit.key-prefix=" + PREFIX);

	private static String redisUrl() {
		return TestServices.redisUrl();
	}

	private static String allMessages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable t = failure; t != null; t = (t.getCause() == t) ? null : t.getCause()) {
			messages.append(t.getMessage()).append('\n');
		}
		return messages.toString();
	}

	@SuppressWarnings("unchecked")
	private static RateLimitFilter filter(AssertableWebApplicationContext context) {
		return ((FilterRegistrationBean<RateLimitFilter>) context.getBean("tenancyRateLimitFilter",
				FilterRegistrationBean.class))
			.getFilter();
	}

	private static Tenant tenant(String id, long limit, Long userLimit) {
		TenantConfig.RateLimit rateLimit = new TenantConfig.RateLimit(limit, Duration.ofHours(1), limit,
				(userLimit != null) ? new TenantConfig.UserLimit(userLimit, Duration.ofHours(1)) : null,
				Map.of("helpdesk", 5L));
		return new Tenant(TenantId.of(id), null, TenantStatus.ACTIVE,
				new TenantConfig("standard", rateLimit, null, null, null, null), 1);
	}

	private static MockHttpServletResponse send(RateLimitFilter filter, String path, Tenant tenant, String user)
			throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
		request.setAttribute(TenantIsolationFilter.TENANT_ATTRIBUTE, tenant);
		if (user != null) {
			request.setUserPrincipal(() -> user);
		}
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(request, response, new MockFilterChain());
		return response;
	}

	private static String uniqueTenant(String base) {
		return base + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@Test
	void offWithoutARedisLocation() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasBean("tenantIsolationFilter");
			assertThat(context).doesNotHaveBean(RedisRateLimitClient.class);
			assertThat(context).doesNotHaveBean(RateLimiter.class);
			assertThat(context).doesNotHaveBean("tenancyRateLimitFilter");
			assertThat(context).doesNotHaveBean(TenancyRateLimitProperties.class);
		});
	}

	@Test
	void offWhenDisabledOrWithoutTenancyOrOutsideAServletApplication() {
		this.runner.withPropertyValues("tenancy.rate-limit.redis.url=" + redisUrl(), "tenancy.rate-limit.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(RedisRateLimitClient.class);
				assertThat(context).doesNotHaveBean("tenancyRateLimitFilter");
			});
		this.runner.withPropertyValues("tenancy.rate-limit.redis.url=" + redisUrl(), "tenancy.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RedisRateLimitClient.class));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TenancyAutoConfiguration.class,
					TenancyRegistryAutoConfiguration.class, TenancyRateLimitAutoConfiguration.class))
			.withPropertyValues("tenancy.rate-limit.redis.url=" + redisUrl())
			.run((context) -> assertThat(context).doesNotHaveBean(RedisRateLimitClient.class));
	}

	@Test
	void onWithARedisUrlDecidingInRedisRightAfterTheTenantFilter() {
		this.runner.withUserConfiguration(Meters.class)
			.withPropertyValues("tenancy.rate-limit.redis.url=" + redisUrl(),
					"tenancy.rate-limit.routes.helpdesk=/api/helpdesk/**", "tenancy.rate-limit.expected-instances=4")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TenancyRateLimitProperties properties = context.getBean(TenancyRateLimitProperties.class);
				assertThat(properties.timeout()).isEqualTo(Duration.ofMillis(100));
				assertThat(properties.breaker().failureThreshold()).isEqualTo(5);
				assertThat(properties.breaker().probeDelay()).isEqualTo(Duration.ofSeconds(1));
				assertThat(properties.failureMode()).isEqualTo(FailureMode.LOCAL);
				assertThat(properties.metrics().maxTenantTags()).isEqualTo(100);

				RedisRateLimitClient client = context.getBean(RedisRateLimitClient.class);
				URI redis = TestServices.redisUri();
				assertThat(client.target()).isEqualTo(redis.getHost() + ":" + redis.getPort());
				assertThat(client.isConnected()).as("connected during start-up").isTrue();
				assertThat(client.keys().prefix()).isEqualTo(PREFIX + ":");
				assertThat(context.getBean(LocalRateLimiter.class).expectedInstances()).isEqualTo(4);
				assertThat(context.getBean(RateLimiter.class)).as("the primary limiter")
					.isInstanceOf(FallbackRateLimiter.class)
					.isSameAs(context.getBean(TenancyRateLimitAutoConfiguration.RATE_LIMITER_BEAN));
				assertThat(context.getBean(RateLimitMetrics.class)).isInstanceOf(MicrometerRateLimitMetrics.class);

				FilterRegistrationBean<?> registration = context.getBean("tenancyRateLimitFilter",
						FilterRegistrationBean.class);
				assertThat(registration.getOrder())
					.isEqualTo(TenancyFilterOrders.TENANT_ISOLATION + TenancyFilterOrders.STEP)
					.isEqualTo(TenancyRateLimitAutoConfiguration.RATE_LIMIT_FILTER_ORDER);

				RateLimitFilter filter = filter(context);
				Tenant tenant = tenant(uniqueTenant("starter"), 10, 6L);
				MockHttpServletResponse first = send(filter, "/api/trips", tenant, "alice");
				assertThat(first.getStatus()).isEqualTo(200);
				assertThat(first.getHeader("RateLimit-Policy"))
					.isEqualTo("\"tenant\";q=10;w=3600, \"user\";q=6;w=3600");
				assertThat(first.getHeader("RateLimit"))
					.matches("\"tenant\";r=9;t=3[56]\\d\\d, \"user\";r=5;t=3[56]\\d\\d");
				MockHttpServletResponse helpdesk = send(filter, "/api/helpdesk/tickets", tenant, "bob");
				assertThat(helpdesk.getHeader("RateLimit")).as("the helpdesk class costs 5")
					.startsWith("\"tenant\";r=4;");
				MockHttpServletResponse rejected = send(filter, "/api/helpdesk/tickets", tenant, "carol");
				assertThat(rejected.getStatus()).isEqualTo(429);
				assertThat(Long.parseLong(rejected.getHeader("Retry-After"))).isBetween(3590L, 3600L);
				assertThat(rejected.getContentAsString()).contains("\"code\":\"rate_limited\"");

				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get(MicrometerRateLimitMetrics.DECISIONS).tag("source", "redis").counters())
					.isNotEmpty();
				assertThat(meters.get(MicrometerRateLimitMetrics.DEGRADED).gauge().value()).isZero();

				Health health = context.getBean("tenancyRateLimiterHealthIndicator", HealthIndicator.class)
					.health(true);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("redis", "up")
					.containsEntry("degraded", false)
					.containsEntry("breaker", "CLOSED");

				assertEveryKeyHasATtl(tenant.id().value());
			});
	}

	private static void assertEveryKeyHasATtl(String tenant) {
		RedisClient client = RedisClient.create(redisUrl());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			List<String> keys = new ArrayList<>();
			ScanIterator.scan(connection.sync(), ScanArgs.Builder.matches(PREFIX + ":*").limit(1000))
				.forEachRemaining(keys::add);
			// the script engine's keys; the user key secret shared in Redis must outlive
			// them
			assertThat(keys).contains(PREFIX + ":s:{" + tenant + "}:tenant", PREFIX + ":user-key-secret")
				.hasSizeGreaterThanOrEqualTo(5);
			keys.remove(PREFIX + ":user-key-secret");
			for (String key : keys) {
				assertThat(connection.sync().pttl(key)).as("TTL of %s", key).isPositive();
			}
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
	}

	@Test
	void usesSpringBootsRedisConnectionDetails() {
		URI redis = TestServices.redisUri();
		// The starter never reads spring.data.redis.* itself: without Spring Boot's Redis
		// support
		// there are no connection details, so no limiter.
		this.runner.withPropertyValues("spring.data.redis.url=" + redisUrl())
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RedisRateLimitClient.class));
		WebApplicationContextRunner withDataRedis = this.runner
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class));
		withDataRedis.withPropertyValues("spring.data.redis.url=" + redisUrl()).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(RedisRateLimitClient.class).isConnected()).isTrue();
		});
		withDataRedis
			.withPropertyValues("spring.data.redis.host=" + redis.getHost(),
					"spring.data.redis.port=" + redis.getPort())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RedisRateLimitClient client = context.getBean(RedisRateLimitClient.class);
				assertThat(client.target()).isEqualTo(redis.getHost() + ":" + redis.getPort());
				assertThat(client.isConnected()).isTrue();
			});
		// connection details of the application's own (as @ServiceConnection registers)
		// win over
		// spring.data.redis.*, which points nowhere here
		withDataRedis.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:1")
			.withBean(DataRedisConnectionDetails.class, () -> new DataRedisConnectionDetails() {
				@Override
				public Standalone getStandalone() {
					return Standalone.of(redis.getHost(), redis.getPort());
				}
			})
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(RedisRateLimitClient.class).isConnected()).isTrue();
			});
		// the limiter's own property wins over both
		withDataRedis
			.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:1",
					"tenancy.rate-limit.redis.url=" + redisUrl())
			.run((context) -> assertThat(context.getBean(RedisRateLimitClient.class).isConnected()).isTrue());
		// Sentinel and TLS come from the connection details too
		withDataRedis
			.withPropertyValues("spring.data.redis.sentinel.master=mymaster",
					"spring.data.redis.sentinel.nodes=127.0.0.1:26379,127.0.0.1:26380",
					"tenancy.rate-limit.redis.connect-timeout=200ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(RedisRateLimitClient.class).target())
					.isEqualTo("master mymaster of sentinels 127.0.0.1:26379,127.0.0.1:26380");
			});
		withDataRedis
			.withPropertyValues("spring.data.redis.url=" + redisUrl(), "spring.data.redis.ssl.enabled=true",
					"tenancy.rate-limit.redis.connect-timeout=300ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				// a TLS handshake with a plain-text server never completes
				assertThat(context.getBean(RedisRateLimitClient.class).isConnected()).isFalse();
			});
		// a static master/replica setup is refused with a message that says what to do
		withDataRedis.withPropertyValues("spring.data.redis.masterreplica.nodes=127.0.0.1:6379,127.0.0.1:6380")
			.run((context) -> assertThat(allMessages(context.getStartupFailure())).contains("master/replica",
					"tenancy.rate-limit.redis.url"));
	}

	@Test
	void clusterAndSentinelLocationsBuildTheirClients() {
		this.runner
			.withPropertyValues("tenancy.rate-limit.redis.cluster.nodes=127.0.0.1:7001,[::1]:7002",
					"tenancy.rate-limit.redis.connect-timeout=200ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(RedisRateLimitClient.class).target())
					.isEqualTo("cluster 127.0.0.1:7001,::1:7002");
			});
		this.runner
			.withPropertyValues("tenancy.rate-limit.redis.sentinel.master=mymaster",
					"tenancy.rate-limit.redis.sentinel.nodes=127.0.0.1:26379,127.0.0.1:26380",
					"tenancy.rate-limit.redis.connect-timeout=200ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(RedisRateLimitClient.class).target())
					.isEqualTo("master mymaster of sentinels 127.0.0.1:26379,127.0.0.1:26380");
			});
	}

	@Test
	void startsWhileRedisIsAwayLimitingLocallyAndSwitchesToRedisWhenItComes() throws Exception {
		URI redis = TestServices.redisUri();
		try (TcpProxy proxy = new TcpProxy(redis.getHost(), redis.getPort())) {
			proxy.cut();
			this.runner.withUserConfiguration(Meters.class)
				.withPropertyValues("tenancy.rate-limit.redis.url=redis://" + proxy.host() + ":" + proxy.port(),
						"tenancy.rate-limit.expected-instances=2", "tenancy.rate-limit.redis.max-reconnect-delay=100ms",
						"tenancy.rate-limit.breaker.probe-delay=100ms")
				.run((context) -> {
					assertThat(context).as("starts with Redis away").hasNotFailed();
					HealthIndicator health = context.getBean("tenancyRateLimiterHealthIndicator",
							HealthIndicator.class);
					assertThat(health.health(true).getDetails()).containsEntry("redis", "down");
					RateLimiter limiter = context.getBean(RateLimiter.class);
					RateLimitRequest request = RateLimitRequest.of(tenant(uniqueTenant("away"), 10, null), null, null)
						.orElseThrow();
					List<RateLimitDecision> decisions = new ArrayList<>();
					for (int i = 0; i < 6; i++) {
						decisions.add(limiter.consume(request).toCompletableFuture().get(2, TimeUnit.SECONDS));
					}
					assertThat(decisions).extracting(RateLimitDecision::source)
						.containsOnly(RateLimitDecision.Source.LOCAL);
					assertThat(decisions).extracting(RateLimitDecision::allowed)
						.as("10 per hour over 2 instances: 5 here")
						.containsExactly(true, true, true, true, true, false);
					assertThat(health.health(true).getDetails()).containsEntry("degraded", true)
						.containsEntry("breaker", CircuitBreaker.State.OPEN.name());
					assertThat(context.getBean(MeterRegistry.class)
						.get(MicrometerRateLimitMetrics.FALLBACKS)
						.counters()
						.stream()
						.mapToDouble((counter) -> counter.count())
						.sum()).isEqualTo(6);

					proxy.restore();
					RateLimitDecision decision = null;
					long restored = System.nanoTime();
					while (System.nanoTime() - restored < TimeUnit.SECONDS.toNanos(5)) {
						decision = limiter.consume(request).toCompletableFuture().get(2, TimeUnit.SECONDS);
						if (decision.source() == RateLimitDecision.Source.REDIS) {
							break;
						}
						Thread.sleep(20);
					}
					assertThat(decision.source()).as("back to Redis by itself")
						.isEqualTo(RateLimitDecision.Source.REDIS);
					assertThat(health.health(true).getDetails()).containsEntry("redis", "up")
						.containsEntry("degraded", false)
						.containsEntry("breaker", "CLOSED");
				});
		}
	}

	@Test
	void theClientIsClosedWithTheContext() {
		RedisRateLimitClient[] client = new RedisRateLimitClient[1];
		this.runner.withPropertyValues("tenancy.rate-limit.redis.url=" + redisUrl()).run((context) -> {
			client[0] = context.getBean(RedisRateLimitClient.class);
			assertThat(client[0].isConnected()).isTrue();
		});
		assertThat(client[0].isConnected()).isFalse();
		assertThat(client[0].connect()).isCompletedWithValue(false);
	}

	@Test
	void theScriptEngineByDefaultAndBucket4jWhenChosenBothKeyingUsersWithTheSecret() {
		Tenant tenant = new Tenant(TenantId.of("engine-" + UUID.randomUUID().toString().substring(0, 8)), null,
				TenantStatus.ACTIVE, new TenantConfig("standard", new TenantConfig.RateLimit(5, Duration.ofHours(1), 5,
						new TenantConfig.UserLimit(1, Duration.ofHours(1)), null), null, null, null, null),
				1);
		RateLimitRequest request = RateLimitRequest.of(tenant, "alice", null).orElseThrow();
		for (String engine : List.of("", "script", "bucket4j")) {
			String prefix = PREFIX + "-" + (engine.isEmpty() ? "default" : engine);
			this.runner
				.withPropertyValues("tenancy.rate-limit.redis.url=" + redisUrl(),
						"tenancy.rate-limit.key-prefix=" + prefix,
						"tenancy.rate-limit.user-key-secret=a-secret-of-16-chars",
						engine.isEmpty() ? "tenancy.rate-limit.enabled=true" : "tenancy.rate-limit.engine=" + engine)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					RedisRateLimitClient client = context.getBean(RedisRateLimitClient.class);
					assertThat(client.engine())
						.isEqualTo(engine.equals("bucket4j") ? RateLimitEngine.BUCKET4J : RateLimitEngine.SCRIPT);
					RateLimiter limiter = context.getBean(RateLimiter.class);
					assertThat(limiter.consume(request).toCompletableFuture().get(5, TimeUnit.SECONDS).allowed())
						.isTrue();
					RateLimitDecision second = limiter.consume(request).toCompletableFuture().get(5, TimeUnit.SECONDS);
					assertThat(second.rejectedBy()).isEqualTo("user");
					String userHash = new RateLimitKeys("", "a-secret-of-16-chars").userHash("alice");
					try (RedisClient plain = RedisClient.create(redisUrl());
							StatefulRedisConnection<String, String> connection = plain.connect()) {
						assertThat(connection.sync().keys(prefix + ":*user*")).singleElement()
							.asString()
							.endsWith(":user:" + userHash);
					}
				});
		}
	}

	@Test
	void aShortUserKeySecretIsRefused() {
		this.runner
			.withPropertyValues("tenancy.rate-limit.redis.url=" + redisUrl(),
					"tenancy.rate-limit.user-key-secret=short")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("tenancy.rate-limit.user-key-secret must be at least 16 characters"));
	}

	@Test
	void failureModesPerPlan() {
		this.runner
			.withPropertyValues("tenancy.rate-limit.redis.url=" + redisUrl(), "tenancy.rate-limit.failure-mode=open",
					"tenancy.rate-limit.plans.login.failure-mode=closed",
					"tenancy.rate-limit.plans.standard.failure-mode=local")
			.run((context) -> {
				FailureModePolicy modes = context.getBean(FailureModePolicy.class);
				assertThat(modes.modeFor(plan("login"))).isEqualTo(FailureMode.CLOSED);
				assertThat(modes.modeFor(plan("standard"))).isEqualTo(FailureMode.LOCAL);
				assertThat(modes.modeFor(plan("premium"))).isEqualTo(FailureMode.OPEN);
				assertThat(modes.modeFor(plan(null))).isEqualTo(FailureMode.OPEN);
			});
	}

	private static RateLimitPlan plan(String name) {
		TenantConfig.RateLimit limit = new TenantConfig.RateLimit(10, Duration.ofMinutes(1), 10, null, null);
		return RateLimitPlan
			.of(new Tenant(TenantId.of("acme"), null, TenantStatus.ACTIVE,
					new TenantConfig(name, limit, null, null, null, null), 1))
			.orElseThrow();
	}

	@Test
	void backsOffForTheApplicationsOwnBeans() {
		this.runner.withUserConfiguration(OwnBeans.class)
			.withPropertyValues("tenancy.rate-limit.redis.url=" + redisUrl())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(FallbackRateLimiter.class);
				assertThat(context.getBean(LocalRateLimiter.class)).isSameAs(OwnBeans.LOCAL);
				assertThat(context.getBean(FailureModePolicy.class)).isSameAs(OwnBeans.MODES);
				RateLimitFilter filter = filter(context);
				MockHttpServletResponse response = send(filter, "/api/trips", tenant(uniqueTenant("own"), 5, null),
						null);
				assertThat(response.getStatus()).as("the filter uses the application's limiter").isEqualTo(429);
				assertThat(context.getBean("tenancyRateLimiterHealthIndicator", HealthIndicator.class)
					.health(true)
					.getDetails()).containsEntry("redis", "up").containsEntry("degraded", false);
			});
		this.runner.withUserConfiguration(OwnFilter.class)
			.withPropertyValues("tenancy.rate-limit.redis.url=" + redisUrl())
			.run((context) -> assertThat(context.getBean("tenancyRateLimitFilter")).isSameAs(OwnFilter.REGISTRATION));
	}

	@Test
	void invalidValuesFailStartupNamingTheProperty() {
		Map<String, String> invalid = Map.of("tenancy.rate-limit.timeout=2s", "tenancy.rate-limit.timeout",
				"tenancy.rate-limit.timeout=0ms", "tenancy.rate-limit.timeout",
				"tenancy.rate-limit.expected-instances=0", "tenancy.rate-limit.expected-instances",
				"tenancy.rate-limit.breaker.failure-threshold=0", "tenancy.rate-limit.breaker.failure-threshold",
				"tenancy.rate-limit.key-prefix=rl{x}", "tenancy.rate-limit.key-prefix",
				"tenancy.rate-limit.metrics.max-tenant-tags=-1", "tenancy.rate-limit.metrics.max-tenant-tags",
				"tenancy.rate-limit.redis.cluster.nodes=127.0.0.1:7001", "tenancy.rate-limit.redis.cluster.nodes",
				"tenancy.rate-limit.redis.sentinel.master=mymaster", "tenancy.rate-limit.redis.sentinel.nodes",
				"tenancy.rate-limit.failure-mode=sometimes", "tenancy.rate-limit.failure-mode");
		invalid.forEach((setting, property) -> this.runner
			.withPropertyValues("tenancy.rate-limit.redis.url=" + redisUrl(), setting)
			.run((context) -> {
				assertThat(context).as(setting).hasFailed();
				assertThat(allMessages(context.getStartupFailure())).as(setting).contains(property);
			}));
		this.runner.withPropertyValues("tenancy.rate-limit.redis.cluster.nodes=no-port").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(allMessages(context.getStartupFailure())).contains("tenancy.rate-limit.redis.cluster.nodes");
		});
		this.runner.withPropertyValues("tenancy.rate-limit.redis.url=" + redisUrl(), "tenancy.rate-limit.timeout=1s")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Configuration(proxyBeanMethods = false)
	static class Meters {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBeans {

		static final LocalRateLimiter LOCAL = new LocalRateLimiter(7);

		static final FailureModePolicy MODES = FailureModePolicy.always(FailureMode.CLOSED);

		@Bean
		LocalRateLimiter myLocalLimiter() {
			return LOCAL;
		}

		@Bean
		FailureModePolicy myFailureModes() {
			return MODES;
		}

		@Bean(TenancyRateLimitAutoConfiguration.RATE_LIMITER_BEAN)
		RateLimiter rejectEverything() {
			return (request) -> java.util.concurrent.CompletableFuture
				.completedFuture(RateLimitDecision.failClosed(request, 0));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnFilter {

		static final FilterRegistrationBean<?> REGISTRATION = new FilterRegistrationBean<>(
				new RateLimitFilter((request) -> java.util.concurrent.CompletableFuture
					.completedFuture(RateLimitDecision.failOpen(request)), Map.of()));

		@Bean
		FilterRegistrationBean<?> tenancyRateLimitFilter() {
			return REGISTRATION;
		}

	}

}
