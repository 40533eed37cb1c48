package dev.tenancy.configserver.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.tenancy.Tenant;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.TenantAdministration;

/**
 * The console's tenant search: by id, name or e-mail domain (any part, any case), within
 * a status. The admin service lists by status a page at a time; the search reads those
 * pages (at most {@link #MAX_SCANNED} tenants) and filters them here, which is plenty for
 * a registry of hundreds of tenants and needs nothing new of the registry.
 */
final class TenantSearch {

	/** Most tenants a search reads. */
	static final int MAX_SCANNED = 10_000;

	private static final int READ_PAGE = 500;

	private final TenantAdministration administration;

	TenantSearch(TenantAdministration administration) {
		this.administration = administration;
	}

	/**
	 * One page of the tenants that match.
	 * @param query the text to find, blank for every tenant
	 * @param status the status, {@code null} for all but deleted
	 * @param page the page, from 0
	 * @param size the page size
	 * @return the page
	 */
	TenantAdministration.TenantPage find(String query, TenantStatus status, int page, int size) {
		String needle = (query != null) ? query.strip().toLowerCase(Locale.ROOT) : "";
		if (needle.isEmpty()) {
			return this.administration.list(status, page, size);
		}
		List<Tenant> matching = new ArrayList<>();
		for (int read = 0, number = 0; read < MAX_SCANNED; number++) {
			TenantAdministration.TenantPage chunk = this.administration.list(status, number, READ_PAGE);
			chunk.content().stream().filter((tenant) -> matches(tenant, needle)).forEach(matching::add);
			read += chunk.content().size();
			if (chunk.content().size() < READ_PAGE) {
				break;
			}
		}
		List<Tenant> content = matching.stream().skip((long) page * size).limit(size).toList();
		return new TenantAdministration.TenantPage(content, page, size, matching.size());
	}

	static boolean matches(Tenant tenant, String needle) {
		return tenant.id().value().contains(needle) || tenant.displayName().toLowerCase(Locale.ROOT).contains(needle)
				|| tenant.config()
					.emailDomains()
					.stream()
					.anyMatch((domain) -> domain.toLowerCase(Locale.ROOT).contains(needle));
	}

}
