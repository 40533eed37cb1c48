package dev.tenancy.ratelimit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.tenancy.TenantTags;

/**
 * Rate-limit metrics on a Micrometer registry:
 * <ul>
 * <li>{@value #DECISIONS} (counter; tags {@code tenant_id}, {@code outcome} =
 * allowed|rejected, {@code source} = redis|local|fail_open|fail_closed)</li>
 * <li>{@value #REJECTIONS} (counter; tags {@code tenant_id}, {@code policy} =
 * tenant|user|unavailable)</li>
 * <li>{@value #FALLBACKS} (counter; tags {@code tenant_id}, {@code mode} =
 * local|open|closed, {@code reason} = error|timeout|slow|circuit_open)</li>
 * <li>{@value #REDIS_LATENCY} (timer; tag {@code outcome} = success|failure)</li>
 * <li>{@value #DEGRADED} (gauge; 1 while Redis is not used)</li>
 * </ul>
 * The {@code tenant_id} tag carries the tenant id for the first {@code maxTenantTags}
 * tenants seen and {@value #OTHER} for every other, so a registry never holds more than
 * that many tenant series per meter.
 */
public final class MicrometerRateLimitMetrics implements RateLimitMetrics {

	/** Decisions counter name. */
	public static final String DECISIONS = "tenancy.ratelimit.decisions";

	/** Rejections counter name. */
	public static final String REJECTIONS = "tenancy.ratelimit.rejections";

	/** Fallbacks counter name. */
	public static final String FALLBACKS = "tenancy.ratelimit.fallbacks";

	/** Redis latency timer name. */
	public static final String REDIS_LATENCY = "tenancy.ratelimit.redis.latency";

	/** Degraded gauge name. */
	public static final String DEGRADED = "tenancy.ratelimit.degraded";

	/**
	 * The tenant tag: the same name as the MDC key, the log field and the span attribute
	 * ({@code dev.tenancy.context.TenantContext#MDC_KEY}).
	 */
	public static final String TENANT_TAG = "tenant_id";

	/** The tenant tag of tenants beyond the cardinality bound. */
	public static final String OTHER = TenantTags.OTHER;

	private final MeterRegistry registry;

	private final TenantTags tenantTags;

	private final Timer redisSuccess;

	// Counters by their tag values, so the request path does not build and look up a
	// meter id on
	// every decision. Bounded like the tags themselves: (maxTenantTags + 1) tenants × few
	// values.
	private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();

	private final Timer redisFailure;

	/**
	 * Metrics on a registry.
	 * @param registry the registry
	 * @param maxTenantTags how many distinct tenants get their own tag value (0 for none)
	 */
	public MicrometerRateLimitMetrics(MeterRegistry registry, int maxTenantTags) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.tenantTags = new TenantTags(maxTenantTags);
		this.redisSuccess = Timer.builder(REDIS_LATENCY)
			.description("Time of rate-limit decisions in Redis")
			.tag("outcome", "success")
			.register(registry);
		this.redisFailure = Timer.builder(REDIS_LATENCY)
			.description("Time of rate-limit decisions in Redis")
			.tag("outcome", "failure")
			.register(registry);
	}

	@Override
	public void decision(RateLimitRequest request, RateLimitDecision decision) {
		String tenant = tenantTag(request);
		counter(DECISIONS, "Rate-limit decisions", TenantTags.KEY, tenant, "outcome",
				decision.allowed() ? "allowed" : "rejected", "source",
				decision.source().name().toLowerCase(Locale.ROOT))
			.increment();
		if (!decision.allowed()) {
			counter(REJECTIONS, "Requests rejected by the rate limiter", TenantTags.KEY, tenant, "policy",
					(decision.rejectedBy() != null) ? decision.rejectedBy() : "unavailable")
				.increment();
		}
	}

	@Override
	public void fallback(RateLimitRequest request, FailureMode mode, String reason) {
		counter(FALLBACKS, "Rate-limit decisions made without Redis", TenantTags.KEY, tenantTag(request), "mode",
				mode.name().toLowerCase(Locale.ROOT), "reason", reason)
			.increment();
	}

	private Counter counter(String name, String description, String... tags) {
		List<String> key = new ArrayList<>(tags.length + 1);
		key.add(name);
		key.addAll(Arrays.asList(tags));
		return this.counters.computeIfAbsent(key,
				(k) -> Counter.builder(name).description(description).tags(tags).register(this.registry));
	}

	@Override
	public void redisCall(long nanos, boolean success) {
		(success ? this.redisSuccess : this.redisFailure).record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void degradedState(BooleanSupplier degraded) {
		Gauge.builder(DEGRADED, degraded, (state) -> state.getAsBoolean() ? 1 : 0)
			.description("1 while the rate limiter cannot use Redis and limits locally or per failure mode")
			.strongReference(true)
			.register(this.registry);
	}

	private String tenantTag(RateLimitRequest request) {
		return this.tenantTags.tag(request.plan().tenant().value());
	}

}
