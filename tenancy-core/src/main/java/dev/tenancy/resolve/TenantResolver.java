package dev.tenancy.resolve;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Finds tenant information in one source of a request. Implementations check syntax and
 * never consult the registry: that happens once, after all sources agree.
 */
public interface TenantResolver {

	/**
	 * Inspect a request.
	 * @param request the request
	 * @return what this source says about the tenant
	 */
	TenantResolution resolve(HttpServletRequest request);

}
