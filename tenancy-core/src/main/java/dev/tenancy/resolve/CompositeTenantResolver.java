package dev.tenancy.resolve;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import dev.tenancy.TenancyError;
import dev.tenancy.TenantId;

/**
 * Asks every configured source and decides the request's tenant.
 * <p>
 * The policy: any malformed source is {@code tenant_invalid}; requested tenants (header,
 * host, path) must all name the same tenant, else {@code tenant_mismatch}. When a
 * verified token is present it is authoritative: a requested tenant must be one it grants
 * ({@code tenant_mismatch} otherwise), and without a request the token's single tenant is
 * used; a token granting several tenants needs a selector ({@code tenant_required}). A
 * token that grants no tenant never lets a selector through ({@code tenant_forbidden}).
 * Without any token, a selector is only trusted when {@code requireGrant} is off, for
 * applications that have no per-user credential at all.
 */
public final class CompositeTenantResolver {

	private final List<TenantResolver> resolvers;

	private final boolean requireGrant;

	/**
	 * Create a composite.
	 * @param resolvers the sources to ask
	 * @param requireGrant whether a requested tenant needs a token that grants it
	 */
	public CompositeTenantResolver(List<TenantResolver> resolvers, boolean requireGrant) {
		this.resolvers = List.copyOf(resolvers);
		this.requireGrant = requireGrant;
	}

	/**
	 * Decide the tenant of a request. The registry is not consulted.
	 * @param request the request
	 * @return the tenant, or empty when no source names one
	 * @throws TenantResolutionException when the sources are malformed, disagree or are
	 * not granted
	 */
	public Optional<TenantId> resolve(HttpServletRequest request) {
		TenantId requested = null;
		Set<TenantId> granted = null;
		boolean invalid = false;
		boolean mismatch = false;
		TenantResolutionException refused = null;
		for (TenantResolver resolver : this.resolvers) {
			TenantResolution resolution;
			try {
				resolution = resolver.resolve(request);
			}
			catch (TenantResolutionException ex) {
				// Decided after every source was asked, so a malformed source anywhere is
				// still
				// reported as tenant_invalid.
				refused = (refused != null) ? refused : ex;
				continue;
			}
			if (resolution instanceof TenantResolution.Invalid) {
				invalid = true;
			}
			else if (resolution instanceof TenantResolution.Requested r) {
				if (requested != null && !requested.equals(r.tenant())) {
					mismatch = true;
				}
				requested = r.tenant();
			}
			else if (resolution instanceof TenantResolution.Granted g) {
				granted = (granted == null) ? g.tenants() : intersect(granted, g.tenants());
			}
		}
		if (invalid) {
			throw new TenantResolutionException(TenancyError.TENANT_INVALID);
		}
		if (refused != null) {
			throw refused;
		}
		if (mismatch) {
			throw new TenantResolutionException(TenancyError.TENANT_MISMATCH);
		}
		if (granted == null) {
			if (requested != null && this.requireGrant) {
				throw new TenantResolutionException(TenancyError.TENANT_FORBIDDEN);
			}
			return Optional.ofNullable(requested);
		}
		if (requested != null) {
			if (granted.isEmpty()) {
				throw new TenantResolutionException(TenancyError.TENANT_FORBIDDEN);
			}
			if (!granted.contains(requested)) {
				throw new TenantResolutionException(TenancyError.TENANT_MISMATCH);
			}
			return Optional.of(requested);
		}
		if (granted.size() == 1) {
			return Optional.of(granted.iterator().next());
		}
		if (granted.size() > 1) {
			throw new TenantResolutionException(TenancyError.TENANT_REQUIRED);
		}
		return Optional.empty();
	}

	private static Set<TenantId> intersect(Set<TenantId> a, Set<TenantId> b) {
		return a.stream().filter(b::contains).collect(java.util.stream.Collectors.toUnmodifiableSet());
	}

}
