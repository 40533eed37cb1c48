package dev.tenancy.resolve;

import jakarta.servlet.http.HttpServletRequest;

import dev.tenancy.TenantId;

/**
 * Reads the requested tenant from the path segment after a prefix: {@code /t/acme/trips}
 * names {@code acme} when the prefix is {@code /t}. The raw (undecoded) path is used, so
 * an encoded segment such as {@code %61cme} is invalid rather than silently decoded.
 */
public final class PathTenantResolver implements TenantResolver {

	private final String prefix;

	public PathTenantResolver(String prefix) {
		if (prefix == null || prefix.isBlank() || !prefix.startsWith("/")) {
			throw new IllegalArgumentException("A path prefix starting with '/' is required");
		}
		this.prefix = prefix.endsWith("/") ? prefix : prefix + "/";
	}

	@Override
	public TenantResolution resolve(HttpServletRequest request) {
		String path = request.getRequestURI();
		String contextPath = request.getContextPath();
		if (path == null) {
			return TenantResolution.none();
		}
		if (contextPath != null && !contextPath.isEmpty() && path.startsWith(contextPath)) {
			path = path.substring(contextPath.length());
		}
		if (!path.startsWith(this.prefix)) {
			return TenantResolution.none();
		}
		String rest = path.substring(this.prefix.length());
		int slash = rest.indexOf('/');
		String segment = (slash >= 0) ? rest.substring(0, slash) : rest;
		return TenantId.parse(segment).map(TenantResolution::requested).orElseGet(TenantResolution::invalid);
	}

}
