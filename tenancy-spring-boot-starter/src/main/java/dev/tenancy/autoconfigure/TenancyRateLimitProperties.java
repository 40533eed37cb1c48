package dev.tenancy.autoconfigure;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.tenancy.ratelimit.FailureMode;
import dev.tenancy.ratelimit.RateLimitEngine;

/**
 * Distributed per-tenant rate limiting. The limits themselves come from each tenant's
 * configuration ({@code rateLimit} in the registry); these properties say where the
 * buckets live and how the limiter behaves when Redis does not answer.
 *
 * @param enabled Whether to limit requests. The limiter is set up when Lettuce and
 * bucket4j are on the classpath and a Redis location is known
 * (tenancy.rate-limit.redis.*, or else Spring Boot's Redis connection details:
 * spring.data.redis.*, @ServiceConnection or Docker Compose); set to true explicitly,
 * start-up fails when either is missing.
 * @param redis Where the buckets live.
 * @param timeout How long one decision waits for Redis before it counts as slow (at most
 * 1s): then a request Redis's last report proves rejected is refused, any other waits for
 * Redis's answer up to 1s before the failure mode decides it.
 * @param breaker The circuit breaker in front of Redis.
 * @param expectedInstances How many instances of the application share each tenant's
 * limit; while Redis is unreachable each instance limits locally at what Redis last
 * reported left, and then the plan, divided by this number (too low, the instances
 * together may admit more than the plan).
 * @param failureMode What happens while Redis is unreachable, for plans not listed under
 * plans: local (limit in this instance at its share), open (admit) or closed (reject with
 * 429).
 * @param plans Settings per plan name (the plan of a tenant's configuration), such as
 * plans.login.failure-mode=closed.
 * @param routes Route cost classes: path patterns per class name, in matching order, such
 * as helpdesk: [/api/helpdesk/**]; a tenant's rateLimit.costs says how many tokens a
 * request of each class takes (1 for a route in no class).
 * @param metrics Micrometer metrics of the limiter.
 * @param keyPrefix The prefix of every Redis key the limiter writes; a tenant's keys are
 * the prefix, the tenant id in braces (the Redis Cluster hash tag) and tenant or user,
 * separated by colons.
 * @param engine How Redis decides: script (all limits of a request in one script call, on
 * Redis's clock, exact) or bucket4j (bucket4j's compare-and-swap buckets, one per limit,
 * on the instances' clocks). The two keep separate keys, so switching starts from full
 * buckets.
 * @param userKeySecret The secret of the HMAC-SHA256 that turns a user's subject into the
 * user part of a Redis key, so that key names do not reveal guessable subjects. Every
 * instance must use the same one. Unset, a random secret is created once in Redis (under
 * the key prefix and user-key-secret) and shared by every instance that uses that Redis;
 * set one (at least 16 characters) to keep it out of Redis. Changing it starts every user
 * from a full bucket.
 */
@ConfigurationProperties("tenancy.rate-limit")
public record TenancyRateLimitProperties(@DefaultValue("true") boolean enabled, @DefaultValue Redis redis,
		@DefaultValue("100ms") Duration timeout, @DefaultValue Breaker breaker,
		@DefaultValue("1") int expectedInstances, @DefaultValue("local") FailureMode failureMode,
		Map<String, Plan> plans, Map<String, List<String>> routes, @DefaultValue Metrics metrics,
		@DefaultValue("tenancy:rl") String keyPrefix, @DefaultValue("script") RateLimitEngine engine,
		String userKeySecret) {

	/** The longest allowed {@link #timeout()}. */
	public static final Duration MAX_TIMEOUT = Duration.ofSeconds(1);

	public TenancyRateLimitProperties {
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("tenancy.rate-limit.timeout must be positive");
		}
		if (timeout.compareTo(MAX_TIMEOUT) > 0) {
			throw new IllegalArgumentException(
					"tenancy.rate-limit.timeout must be at most 1s (requests wait for it), but is " + timeout);
		}
		if (expectedInstances < 1) {
			throw new IllegalArgumentException(
					"tenancy.rate-limit.expected-instances must be at least 1, but is " + expectedInstances);
		}
		if (keyPrefix == null || keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
			throw new IllegalArgumentException(
					"tenancy.rate-limit.key-prefix must not contain '{' or '}' (the tenant is the Redis hash tag)");
		}
		if (userKeySecret != null && userKeySecret.strip().length() < 16) {
			throw new IllegalArgumentException("tenancy.rate-limit.user-key-secret must be at least 16 characters");
		}
		engine = (engine != null) ? engine : RateLimitEngine.SCRIPT;
		plans = (plans != null) ? Map.copyOf(plans) : Map.of();
		// Matching order matters: keep the order of the configuration.
		routes = (routes != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(routes)) : Map.of();
		routes.forEach((name, patterns) -> {
			if (patterns == null || patterns.isEmpty()) {
				throw new IllegalArgumentException("tenancy.rate-limit.routes." + name + " lists no path pattern");
			}
		});
	}

	@Override
	public String toString() {
		// never the secret
		return "TenancyRateLimitProperties[enabled=" + this.enabled + ", redis=" + this.redis + ", timeout="
				+ this.timeout + ", engine=" + this.engine + ", keyPrefix=" + this.keyPrefix + ", userKeySecret="
				+ ((this.userKeySecret != null) ? "***" : null) + "]";
	}

	/**
	 * The prefix as the limiter uses it: {@link #keyPrefix()} and a colon.
	 * @return the prefix of the keys
	 */
	String keyPrefixWithSeparator() {
		if (this.keyPrefix.isEmpty() || this.keyPrefix.endsWith(":")) {
			return this.keyPrefix;
		}
		return this.keyPrefix + ":";
	}

	/**
	 * Where the buckets live: one of a standalone server ({@code url}), a Redis Cluster
	 * ({@code cluster.nodes}) or a Sentinel-managed master ({@code sentinel.*}). With
	 * none set, Spring Boot's Redis connection details are used
	 * ({@code spring.data.redis.*}, {@code @ServiceConnection}, Docker Compose; SSL
	 * bundles included) when {@code spring-boot-starter-data-redis} is present.
	 *
	 * @param url A standalone server, such as redis://127.0.0.1:6379 (rediss:// for TLS;
	 * user, password and database may be part of it).
	 * @param username The user for servers given without one (ACL); none by default.
	 * @param password The password for servers given without one.
	 * @param cluster A Redis Cluster.
	 * @param sentinel A master managed by Redis Sentinel.
	 * @param connectTimeout How long opening the connection may take; until it is open
	 * (also when Redis is away at start-up) requests are decided per failure mode.
	 * @param maxReconnectDelay The longest wait between connection attempts while Redis
	 * is away.
	 */
	public record Redis(String url, String username, String password, @DefaultValue Cluster cluster,
			@DefaultValue Sentinel sentinel, @DefaultValue("1s") Duration connectTimeout,
			@DefaultValue("1s") Duration maxReconnectDelay) {

		public Redis {
			cluster = (cluster != null) ? cluster : new Cluster(null);
			sentinel = (sentinel != null) ? sentinel : new Sentinel(null, null);
			if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
				throw new IllegalArgumentException("tenancy.rate-limit.redis.connect-timeout must be positive");
			}
			if (maxReconnectDelay == null || maxReconnectDelay.isNegative() || maxReconnectDelay.isZero()) {
				throw new IllegalArgumentException("tenancy.rate-limit.redis.max-reconnect-delay must be positive");
			}
			if (hasText(sentinel.master()) != !sentinel.nodes().isEmpty()) {
				throw new IllegalArgumentException("tenancy.rate-limit.redis.sentinel.master and "
						+ "tenancy.rate-limit.redis.sentinel.nodes must be set together");
			}
			int locations = (hasText(url) ? 1 : 0) + (cluster.nodes().isEmpty() ? 0 : 1)
					+ (hasText(sentinel.master()) || !sentinel.nodes().isEmpty() ? 1 : 0);
			if (locations > 1) {
				throw new IllegalArgumentException("Set only one of tenancy.rate-limit.redis.url, "
						+ "tenancy.rate-limit.redis.cluster.nodes and tenancy.rate-limit.redis.sentinel.*");
			}
		}

		/**
		 * @return whether a location is set here
		 */
		boolean isConfigured() {
			return hasText(this.url) || !this.cluster.nodes().isEmpty() || hasText(this.sentinel.master());
		}

		static boolean hasText(String value) {
			return value != null && !value.isBlank();
		}

	}

	/**
	 * A Redis Cluster.
	 *
	 * @param nodes Some of its nodes, as host:port or redis://... URIs; the client learns
	 * the rest from them.
	 */
	public record Cluster(List<String> nodes) {

		public Cluster {
			nodes = (nodes != null) ? List.copyOf(nodes) : List.of();
		}

	}

	/**
	 * A master managed by Redis Sentinel.
	 *
	 * @param master The master's name.
	 * @param nodes The sentinels, as host:port.
	 */
	public record Sentinel(String master, List<String> nodes) {

		public Sentinel {
			nodes = (nodes != null) ? List.copyOf(nodes) : List.of();
		}

	}

	/**
	 * The circuit breaker in front of Redis.
	 *
	 * @param failureThreshold Consecutive failed or late decisions that open it; while
	 * open, no request waits for Redis.
	 * @param probeDelay How long it stays open before one request probes Redis again.
	 */
	public record Breaker(@DefaultValue("5") int failureThreshold, @DefaultValue("1s") Duration probeDelay) {

		public Breaker {
			if (failureThreshold < 1) {
				throw new IllegalArgumentException(
						"tenancy.rate-limit.breaker.failure-threshold must be at least 1, but is " + failureThreshold);
			}
			if (probeDelay == null || probeDelay.isNegative()) {
				throw new IllegalArgumentException("tenancy.rate-limit.breaker.probe-delay must not be negative");
			}
		}

	}

	/**
	 * Settings of one plan.
	 *
	 * @param failureMode What happens to this plan's tenants while Redis is unreachable,
	 * instead of tenancy.rate-limit.failure-mode.
	 */
	public record Plan(FailureMode failureMode) {

	}

	/**
	 * Metrics of the limiter, recorded when a Micrometer {@code MeterRegistry} exists.
	 *
	 * @param maxTenantTags How many tenants get their own tenant tag value on the
	 * limiter's meters when the app has no shared tenant tags (tenancy.metrics.*, which
	 * otherwise decide: the same tenants hold their own value on every meter); every
	 * other tenant is tagged other.
	 */
	public record Metrics(@DefaultValue("100") int maxTenantTags) {

		public Metrics {
			if (maxTenantTags < 0) {
				throw new IllegalArgumentException(
						"tenancy.rate-limit.metrics.max-tenant-tags must not be negative, but is " + maxTenantTags);
			}
		}

	}

}
