package dev.tenancy.ratelimit;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.tenancy.TenantTags;
import dev.tenancy.metrics.TenantCounters;

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
 * The {@code tenant_id} tag is bounded by a {@link TenantTags}: the top tenants by
 * traffic keep their own value, every other is tagged {@value #OTHER}, and the series of
 * a tenant that loses its value are removed ({@link TenantCounters}). Given the app's
 * shared {@link TenantTags} (the one {@code tenancy.requests} ranks), the limiter's
 * meters use the same holders without counting a request twice; on its own it ranks the
 * decisions it sees.
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

	private final Function<String, String> tenantTag;

	private final TenantCounters decisions;

	private final TenantCounters rejections;

	private final TenantCounters fallbacks;

	private final Timer redisSuccess;

	private final Timer redisFailure;

	/**
	 * Metrics on a registry, ranking tenants by the decisions they get.
	 * @param registry the registry
	 * @param maxTenantTags how many distinct tenants get their own tag value (0 for none)
	 */
	public MicrometerRateLimitMetrics(MeterRegistry registry, int maxTenantTags) {
		this(registry, new TenantTags(maxTenantTags), true);
	}

	/**
	 * Metrics on a registry whose tenant tags follow the app's shared ranking, which
	 * another meter feeds (the requests a tenant makes are counted there, not again
	 * here).
	 * @param registry the registry
	 * @param tenantTags the app's shared tenant tags
	 */
	public MicrometerRateLimitMetrics(MeterRegistry registry, TenantTags tenantTags) {
		this(registry, tenantTags, false);
	}

	private MicrometerRateLimitMetrics(MeterRegistry registry, TenantTags tenantTags, boolean ranksItself) {
		this.registry = Objects.requireNonNull(registry, "registry");
		Objects.requireNonNull(tenantTags, "tenantTags");
		this.tenantTag = ranksItself ? tenantTags::tag : tenantTags::existingTag;
		this.decisions = new TenantCounters(registry, tenantTags, DECISIONS, "Rate-limit decisions");
		this.rejections = new TenantCounters(registry, tenantTags, REJECTIONS, "Requests rejected by the rate limiter");
		this.fallbacks = new TenantCounters(registry, tenantTags, FALLBACKS, "Rate-limit decisions made without Redis");
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
		this.decisions.incrementTagged(tenant, "outcome", decision.allowed() ? "allowed" : "rejected", "source",
				decision.source().name().toLowerCase(Locale.ROOT));
		if (!decision.allowed()) {
			this.rejections.incrementTagged(tenant, "policy",
					(decision.rejectedBy() != null) ? decision.rejectedBy() : "unavailable");
		}
	}

	@Override
	public void fallback(RateLimitRequest request, FailureMode mode, String reason) {
		this.fallbacks.incrementTagged(tenantTag(request), "mode", mode.name().toLowerCase(Locale.ROOT), "reason",
				reason);
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
		return this.tenantTag.apply(request.plan().tenant().value());
	}

}
