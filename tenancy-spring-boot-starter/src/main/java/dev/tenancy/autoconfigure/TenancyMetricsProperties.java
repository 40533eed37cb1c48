package dev.tenancy.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Metrics of the tenant request path ({@code tenancy.requests}), recorded when a
 * Micrometer {@code MeterRegistry} exists.
 *
 * @param maxTenantTags How many tenants at most get their own tenant_id tag value on
 * tenancy.requests: free values go to the first tenants seen, then to the tenants with
 * the most requests in each tenant-tags-window; every other tenant is tagged other,
 * requests that named no usable tenant none.
 * @param tenantTagsWindow How long requests are counted before the tenants holding their
 * own tenant_id tag value are ranked again by traffic; a tenant's series can begin or end
 * at most once per window.
 */
@ConfigurationProperties("tenancy.metrics")
public record TenancyMetricsProperties(@DefaultValue("100") int maxTenantTags,
		@DefaultValue("5m") Duration tenantTagsWindow) {

	public TenancyMetricsProperties {
		if (maxTenantTags < 0) {
			throw new IllegalArgumentException("tenancy.metrics.max-tenant-tags must not be negative");
		}
		if (tenantTagsWindow == null || tenantTagsWindow.isNegative() || tenantTagsWindow.isZero()) {
			throw new IllegalArgumentException("tenancy.metrics.tenant-tags-window must be positive");
		}
	}

}
