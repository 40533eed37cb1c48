package dev.tenancy.resolve;

import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import dev.tenancy.TenancyError;
import dev.tenancy.TenantId;

/**
 * Reads the requested tenant from headers such as {@code X-Client-ID} and
 * {@code X-Tenant-ID}.
 * <p>
 * A header is a selector, never a credential: the composite resolver only accepts it when
 * a verified token grants the tenant. A header sent twice, a comma list, padding, upper
 * case, non-ASCII or an oversized value is invalid; the header names that disagree are
 * reported as two requests, which the composite turns into a mismatch.
 */
public final class HeaderTenantResolver implements TenantResolver {

	private final List<String> headerNames;

	public HeaderTenantResolver(List<String> headerNames) {
		if (headerNames == null || headerNames.isEmpty()) {
			throw new IllegalArgumentException("At least one header name is required");
		}
		this.headerNames = List.copyOf(headerNames);
	}

	@Override
	public TenantResolution resolve(HttpServletRequest request) {
		Set<TenantId> found = new LinkedHashSet<>();
		for (String name : this.headerNames) {
			Enumeration<String> values = request.getHeaders(name);
			if (values == null || !values.hasMoreElements()) {
				continue;
			}
			String value = values.nextElement();
			if (values.hasMoreElements()) {
				return TenantResolution.invalid();
			}
			TenantId tenant = TenantId.parse(value).orElse(null);
			if (tenant == null) {
				return TenantResolution.invalid();
			}
			found.add(tenant);
		}
		if (found.isEmpty()) {
			return TenantResolution.none();
		}
		if (found.size() > 1) {
			throw new TenantResolutionException(TenancyError.TENANT_MISMATCH);
		}
		return TenantResolution.requested(found.iterator().next());
	}

}
