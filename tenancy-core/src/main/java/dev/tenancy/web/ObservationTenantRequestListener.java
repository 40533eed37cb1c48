package dev.tenancy.web;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.web.filter.ServerHttpObservationFilter;

import dev.tenancy.Tenant;
import dev.tenancy.context.TenantContext;

/**
 * Adds the tenant id to the request's observation as a high-cardinality key, so traces
 * carry it while metrics stay bounded.
 */
public final class ObservationTenantRequestListener implements TenantRequestListener {

	/**
	 * Key of the tenant id on observations: the MDC's key, so logs and spans name it
	 * alike.
	 */
	public static final String KEY = TenantContext.MDC_KEY;

	@Override
	public void onTenant(HttpServletRequest request, Tenant tenant) {
		ServerHttpObservationFilter.findObservationContext(request)
			.ifPresent((ServerRequestObservationContext context) -> context
				.addHighCardinalityKeyValue(io.micrometer.common.KeyValue.of(KEY, tenant.id().value())));
	}

}
