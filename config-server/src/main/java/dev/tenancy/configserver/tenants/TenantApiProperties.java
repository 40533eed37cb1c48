package dev.tenancy.configserver.tenants;

import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the tenant API computes a tenant's effective configuration, under
 * {@code tenancy.config-server}.
 *
 * @param tenantDefaults Defaults for every tenant, shaped like a tenant configuration
 * ({@code plan}, {@code rateLimit}, {@code features}, {@code emailDomains},
 * {@code locale}, {@code attributes}).
 * @param plans Values per plan name (the tenant's {@code plan}, else the default
 * {@code plan}), shaped like a tenant configuration; applied over the defaults.
 * @param protectedKeys JSON paths (dot separated, such as {@code rateLimit} or
 * {@code rateLimit.perUser}) that only the defaults and the plan may set: a tenant's own
 * value for them is ignored.
 */
@ConfigurationProperties("tenancy.config-server")
public record TenantApiProperties(Map<String, Object> tenantDefaults, Map<String, Map<String, Object>> plans,
		List<String> protectedKeys) {

	public TenantApiProperties {
		tenantDefaults = (tenantDefaults != null) ? tenantDefaults : Map.of();
		plans = (plans != null) ? plans : Map.of();
		protectedKeys = (protectedKeys != null) ? List.copyOf(protectedKeys) : List.of();
	}
}
