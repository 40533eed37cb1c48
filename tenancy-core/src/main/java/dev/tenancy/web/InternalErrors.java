package dev.tenancy.web;

import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import dev.tenancy.Tenant;
import dev.tenancy.context.TenantContext;

/**
 * Logs an unhandled exception in full, with a fresh correlation id, the tenant, the trace
 * and the request id as MDC fields, and hands back the correlation id for the generic
 * response body.
 */
final class InternalErrors {

	/** The MDC key, and structured log field, of the correlation id of a 500 answer. */
	static final String CORRELATION_ID = "correlation_id";

	private static final Logger logger = LoggerFactory.getLogger("dev.tenancy.web.InternalError");

	private InternalErrors() {
	}

	static String log(HttpServletRequest request, Throwable ex) {
		String correlationId = UUID.randomUUID().toString();
		// The tenant, trace and request ids are MDC fields already while the request runs
		// (TenantContext, tracing, RequestIdFilter); the correlation id joins them for
		// this
		// line, so a structured log has every one as a field of its own. A failure before
		// the tenant scope (or after it) still names the tenant the request resolved to.
		boolean tenantFromRequest = MDC.get(TenantContext.MDC_KEY) == null
				&& request.getAttribute(TenantIsolationFilter.TENANT_ATTRIBUTE) instanceof Tenant;
		MDC.put(CORRELATION_ID, correlationId);
		if (tenantFromRequest) {
			MDC.put(TenantContext.MDC_KEY,
					((Tenant) request.getAttribute(TenantIsolationFilter.TENANT_ATTRIBUTE)).id().value());
		}
		try {
			logger.error("Unhandled exception, correlation id {}: {} {}", correlationId, request.getMethod(),
					request.getRequestURI(), ex);
		}
		finally {
			MDC.remove(CORRELATION_ID);
			if (tenantFromRequest) {
				MDC.remove(TenantContext.MDC_KEY);
			}
		}
		return correlationId;
	}

}
