package dev.tenancy.resolve;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.ClaimAccessor;

import dev.tenancy.TenantId;

/**
 * Reads the tenants a verified token grants: a single-valued claim ({@code tenant_id} by
 * default) and, for users of several tenants, a list claim ({@code tenants}). Only an
 * authenticated principal that carries claims (a decoded, verified JWT) counts; anything
 * else says nothing.
 * <p>
 * A token with neither claim grants no tenant. A claim with a malformed value makes the
 * request invalid rather than being skipped, so a broken issuer cannot widen access.
 */
public final class JwtClaimTenantResolver implements TenantResolver {

	private final String claim;

	private final String listClaim;

	/**
	 * Create a resolver.
	 * @param claim the single-tenant claim, or {@code null} to ignore it
	 * @param listClaim the list claim, or {@code null} to ignore it
	 */
	public JwtClaimTenantResolver(String claim, String listClaim) {
		this.claim = blankToNull(claim);
		this.listClaim = blankToNull(listClaim);
		if (this.claim == null && this.listClaim == null) {
			throw new IllegalArgumentException("At least one tenant claim name is required");
		}
	}

	@Override
	public TenantResolution resolve(HttpServletRequest request) {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !authentication.isAuthenticated()
				|| !(authentication.getPrincipal() instanceof ClaimAccessor claims)) {
			return TenantResolution.none();
		}
		Set<TenantId> granted = new LinkedHashSet<>();
		if (this.claim != null && claims.hasClaim(this.claim)) {
			if (!(claims.getClaims().get(this.claim) instanceof String value) || !add(granted, value)) {
				return TenantResolution.invalid();
			}
		}
		if (this.listClaim != null && claims.hasClaim(this.listClaim)) {
			if (!(claims.getClaims().get(this.listClaim) instanceof Collection<?> values)) {
				return TenantResolution.invalid();
			}
			for (Object value : values) {
				if (!(value instanceof String text) || !add(granted, text)) {
					return TenantResolution.invalid();
				}
			}
		}
		return TenantResolution.granted(granted);
	}

	private static boolean add(Set<TenantId> granted, String value) {
		return TenantId.parse(value).map(granted::add).isPresent();
	}

	private static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value;
	}

}
