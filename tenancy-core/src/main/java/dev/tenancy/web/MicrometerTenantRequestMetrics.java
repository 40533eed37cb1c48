package dev.tenancy.web;

import io.micrometer.core.instrument.MeterRegistry;

import dev.tenancy.TenantTags;
import dev.tenancy.metrics.TenantCounters;

/**
 * {@value #REQUESTS} (counter; tags {@code tenant_id}, {@code outcome}) on a Micrometer
 * registry: requests and their rejections (every outcome but {@code served}) per tenant.
 * The {@code tenant_id} tag is bounded by {@link TenantTags}: the tenants with the most
 * traffic hold their own value, and only registered tenants count as traffic, so ids a
 * caller makes up all count as {@value TenantTags#OTHER} (or {@value TenantTags#NONE}
 * when no id was named).
 */
public final class MicrometerTenantRequestMetrics implements TenantRequestMetrics {

	/** Requests counter name. */
	public static final String REQUESTS = "tenancy.requests";

	private final TenantTags tenantTags;

	private final TenantCounters requests;

	/**
	 * Metrics on a registry, with tags of their own.
	 * @param registry the registry
	 * @param maxTenantTags how many distinct tenants get their own tag value
	 */
	public MicrometerTenantRequestMetrics(MeterRegistry registry, int maxTenantTags) {
		this(registry, new TenantTags(maxTenantTags));
	}

	/**
	 * Metrics on a registry.
	 * @param registry the registry
	 * @param tenantTags the tenant tag bound, shared with the app's other tenant meters
	 */
	public MicrometerTenantRequestMetrics(MeterRegistry registry, TenantTags tenantTags) {
		this.tenantTags = tenantTags;
		this.requests = new TenantCounters(registry, tenantTags, REQUESTS,
				"Requests decided by the tenant isolation filter, by tenant and outcome");
	}

	@Override
	public void request(String tenant, boolean known, String outcome) {
		if (known) {
			this.requests.increment(tenant, "outcome", outcome);
		}
		else {
			this.requests.incrementTagged(this.tenantTags.existingTag(tenant), "outcome", outcome);
		}
	}

}
