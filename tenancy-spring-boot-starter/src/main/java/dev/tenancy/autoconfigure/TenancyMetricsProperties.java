package dev.tenancy.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Metrics of the tenant request path ({@code tenancy.requests}), recorded when a
 * Micrometer {@code MeterRegistry} exists.
 *
 * @param maxTenantTags How many tenants get their own tenant_id tag value on
 * tenancy.requests (the first seen); every other tenant is tagged other, requests that
 * named no usable tenant none.
 */
@ConfigurationProperties("tenancy.metrics")
public record TenancyMetricsProperties(@DefaultValue("100") int maxTenantTags) {

	public TenancyMetricsProperties {
		if (maxTenantTags < 0) {
			throw new IllegalArgumentException("tenancy.metrics.max-tenant-tags must not be negative");
		}
	}

}
