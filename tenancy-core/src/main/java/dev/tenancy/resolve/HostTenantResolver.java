package dev.tenancy.resolve;

import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;

import dev.tenancy.TenantId;

/**
 * Reads the requested tenant from the first label of the host name under a base domain:
 * {@code acme.travel.example} names {@code acme} when the base domain is
 * {@code travel.example}. Host names are case-insensitive, so the host is lower-cased
 * (ASCII only) before the check. A host that is the base domain itself or lies outside it
 * says nothing; a deeper subdomain is invalid.
 */
public final class HostTenantResolver implements TenantResolver {

	private final String suffix;

	public HostTenantResolver(String baseDomain) {
		if (baseDomain == null || baseDomain.isBlank()) {
			throw new IllegalArgumentException("A base domain is required for host resolution");
		}
		String domain = baseDomain.strip().toLowerCase(Locale.ROOT);
		this.suffix = domain.startsWith(".") ? domain : "." + domain;
	}

	@Override
	public TenantResolution resolve(HttpServletRequest request) {
		String host = request.getServerName();
		if (host == null || host.length() > 253 || !isAscii(host)) {
			return TenantResolution.none();
		}
		host = host.toLowerCase(Locale.ROOT);
		if (host.endsWith(".")) {
			host = host.substring(0, host.length() - 1);
		}
		if (!host.endsWith(this.suffix)) {
			return TenantResolution.none();
		}
		String label = host.substring(0, host.length() - this.suffix.length());
		return TenantId.parse(label).map(TenantResolution::requested).orElseGet(TenantResolution::invalid);
	}

	private static boolean isAscii(String value) {
		return value.chars().allMatch((c) -> c < 128);
	}

}
