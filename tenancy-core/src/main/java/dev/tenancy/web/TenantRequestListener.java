package dev.tenancy.web;

import jakarta.servlet.http.HttpServletRequest;

import dev.tenancy.Tenant;

/**
 * Told about the tenant of each admitted request, inside the tenant scope: the hook for
 * tagging observations, traces or audit records.
 */
@FunctionalInterface
public interface TenantRequestListener {

	/**
	 * A request was admitted for a tenant.
	 * @param request the request
	 * @param tenant the tenant
	 */
	void onTenant(HttpServletRequest request, Tenant tenant);

}
