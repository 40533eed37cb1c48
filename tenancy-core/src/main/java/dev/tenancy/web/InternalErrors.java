package dev.tenancy.web;

import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import dev.tenancy.Tenant;
import dev.tenancy.context.TenantContext;

/**
 * Logs an unhandled exception in full, with a fresh correlation id, the tenant and the
 * trace id, and hands back the correlation id for the generic response body.
 */
final class InternalErrors {

	private static final Logger logger = LoggerFactory.getLogger("dev.tenancy.web.InternalError");

	private InternalErrors() {
	}

	static String log(HttpServletRequest request, Throwable ex) {
		String correlationId = UUID.randomUUID().toString();
		String tenant = TenantContext.current()
			.map(Object::toString)
			.orElseGet(() -> (request.getAttribute(TenantIsolationFilter.TENANT_ATTRIBUTE) instanceof Tenant t)
					? t.id().value() : "-");
		String traceId = MDC.get("traceId");
		logger.error("Unhandled exception correlation_id={} tenant_id={} trace_id={} method={} path={}", correlationId,
				tenant, (traceId != null) ? traceId : "-", request.getMethod(), request.getRequestURI(), ex);
		return correlationId;
	}

}
