package dev.tenancy.sample;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.ApplicationContext;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.ratelimit.MicrometerRateLimitMetrics;
import dev.tenancy.registry.TenantAdministration;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.test.TestServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the rate-limit tests share: the app instances, tenants with plans of their own,
 * the {@code RateLimit} header read back, metrics and the keys in Redis.
 */
final class RateLimiting {

	private static final Pattern STATE = Pattern.compile("\"([a-z]+)\";r=(\\d+);t=(\\d+)");

	private RateLimiting() {
	}

	/**
	 * One running instance of the app.
	 *
	 * @param name for messages
	 * @param context its context
	 * @param api HTTP to it
	 */
	record Instance(String name, ApplicationContext context, Api api) {

		/** A bearer token of this instance's issuer for a user of a tenant. */
		String bearer(String tenant, String user) {
			return Api.bearer(LocalTokens.forTenant(this.context, tenant, user));
		}

		HttpResponse<String> get(String path, String bearer) {
			return this.api.get(path, "Authorization", bearer);
		}

		/**
		 * Decisions the failure mode made. Not counted: rejections at the timeout that
		 * Redis's last report proves (reason {@code slow}), which are what Redis would
		 * answer and happen on a loaded machine.
		 */
		double fallbacks(String tenant) {
			return sum(this.context.getBean(MeterRegistry.class)
				.find(MicrometerRateLimitMetrics.FALLBACKS)
				.tag("tenant_id", tenant)
				.counters()
				.stream()
				.filter((counter) -> !"slow".equals(counter.getId().getTag("reason")))
				.toList());
		}

		double decisions(String tenant, String source) {
			return sum(this.context.getBean(MeterRegistry.class)
				.find(MicrometerRateLimitMetrics.DECISIONS)
				.tag("tenant_id", tenant)
				.tag("source", source)
				.counters());
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

	static double sum(java.util.Collection<Counter> counters) {
		return counters.stream().mapToDouble(Counter::count).sum();
	}

	/**
	 * The three instances: the test context, {@link SecondInstance} and
	 * {@link ThirdInstance}.
	 * @param context the test context
	 * @param port its port
	 * @return the instances
	 */
	static List<Instance> instances(ApplicationContext context, int port) {
		return List.of(new Instance("first", context, new Api(port)),
				new Instance("second", SecondInstance.context(), SecondInstance.api()),
				new Instance("third", ThirdInstance.context(), ThirdInstance.api()));
	}

	/**
	 * A new tenant id, {@code e2e-} like every tenant a test creates in the shared
	 * registry.
	 * @param base a readable part
	 * @return the id
	 */
	static String uniqueTenant(String base) {
		return "e2e-" + base + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/**
	 * Create a tenant with a rate limit of its own in the registry.
	 * @param context any instance
	 * @param id the tenant id
	 * @param rateLimit the plan's limits
	 * @return the tenant, version 0
	 */
	static Tenant create(ApplicationContext context, String id, TenantConfig.RateLimit rateLimit) {
		return context.getBean(TenantAdministration.class)
			.create(TenantId.of(id), "Rate limit test", config(rateLimit), new TenantChange("rate-limit-test", null));
	}

	static TenantConfig config(TenantConfig.RateLimit rateLimit) {
		return new TenantConfig("standard", rateLimit, List.of("trips", "helpdesk"), null, "en-GB", null);
	}

	static TenantConfig.RateLimit limit(long limit, Duration window, Long perUser) {
		// helpdesk costs 5, as in the shipped tenants, where the burst allows it
		return new TenantConfig.RateLimit(limit, window, limit,
				(perUser != null) ? new TenantConfig.UserLimit(perUser, window) : null,
				(limit >= 5) ? Map.of("helpdesk", 5L) : Map.of());
	}

	/**
	 * The {@code r} of each policy in the {@code RateLimit} header.
	 * @param response a response
	 * @return remaining tokens by policy name, in header order
	 */
	static Map<String, Long> remaining(HttpResponse<?> response) {
		Map<String, Long> remaining = new LinkedHashMap<>();
		String header = response.headers().firstValue("RateLimit").orElse("");
		Matcher matcher = STATE.matcher(header);
		while (matcher.find()) {
			remaining.put(matcher.group(1), Long.parseLong(matcher.group(2)));
		}
		return remaining;
	}

	/**
	 * Every key under this JVM's prefix, with its TTL in milliseconds.
	 * @return TTL by key
	 */
	static Map<String, Long> keysAndTtls() {
		RedisClient client = RedisClient.create(TestServices.redisUrl());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			Map<String, Long> keys = new LinkedHashMap<>();
			ScanIterator.scan(connection.sync(), ScanArgs.Builder.matches(TestRedis.KEY_PREFIX + ":*").limit(1000))
				.forEachRemaining((key) -> keys.put(key, connection.sync().pttl(key)));
			return keys;
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
	}

	/** Every key the limiter wrote in this JVM expires. */
	static void assertEveryKeyHasATtl() {
		Map<String, Long> keys = keysAndTtls();
		assertThat(keys).as("keys under %s", TestRedis.KEY_PREFIX).isNotEmpty();
		keys.forEach((key, ttl) -> assertThat(ttl).as("TTL of %s", key).isPositive());
	}

}
