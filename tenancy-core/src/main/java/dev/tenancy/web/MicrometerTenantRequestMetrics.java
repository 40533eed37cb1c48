package dev.tenancy.web;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.tenancy.TenantTags;

/**
 * {@value #REQUESTS} (counter; tags {@code tenant_id}, {@code outcome}) on a Micrometer
 * registry. The {@code tenant_id} tag is bounded by {@link TenantTags}: only tenants that
 * are known take one of the own values, so ids a caller makes up all count as
 * {@value TenantTags#OTHER} (or {@value TenantTags#NONE} when no id was named).
 */
public final class MicrometerTenantRequestMetrics implements TenantRequestMetrics {

	/** Requests counter name. */
	public static final String REQUESTS = "tenancy.requests";

	private final MeterRegistry registry;

	private final TenantTags tenantTags;

	// Bounded like the tags: (max + 2) tenant values × 8 outcomes.
	private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();

	/**
	 * Metrics on a registry.
	 * @param registry the registry
	 * @param maxTenantTags how many distinct tenants get their own tag value
	 */
	public MicrometerTenantRequestMetrics(MeterRegistry registry, int maxTenantTags) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.tenantTags = new TenantTags(maxTenantTags);
	}

	@Override
	public void request(String tenant, boolean known, String outcome) {
		String tag = known ? this.tenantTags.tag(tenant) : this.tenantTags.existingTag(tenant);
		this.counters
			.computeIfAbsent(List.of(tag, outcome),
					(key) -> Counter.builder(REQUESTS)
						.description("Requests decided by the tenant isolation filter, by tenant and outcome")
						.tag(TenantTags.KEY, tag)
						.tag("outcome", outcome)
						.register(this.registry))
			.increment();
	}

}
