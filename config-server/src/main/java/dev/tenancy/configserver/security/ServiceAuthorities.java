package dev.tenancy.configserver.security;

import java.util.Collection;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * What an authenticated service may do, the same for HTTP basic clients and access
 * tokens: a {@link #CONFIG_CLIENT} reads the configuration of the one application its
 * authentication is named after; a holder of {@link #TENANT_API} reads the tenant API.
 * <ul>
 * <li>HTTP basic: the client name is the application; {@link #TENANT_API} unless
 * {@code tenancy.config-server.clients.<name>.tenant-api=false}.</li>
 * <li>Access token: the scope {@code config:<application>} (exactly one) names the
 * application; the scope {@code tenants:read} grants {@link #TENANT_API}.</li>
 * </ul>
 */
public final class ServiceAuthorities {

	/** Reads the configuration of the application the authentication is named after. */
	public static final String CONFIG_CLIENT = ConfigClientUserDetailsService.CONFIG_CLIENT_AUTHORITY;

	/** Reads the tenant API ({@code GET /tenants/...}). */
	public static final String TENANT_API = "TENANT_API";

	/** Prefix of the token scope that names the application: {@code config:<name>}. */
	public static final String CONFIG_SCOPE_PREFIX = "config:";

	/** Token scope that grants the tenant API. */
	public static final String TENANTS_READ_SCOPE = "tenants:read";

	private ServiceAuthorities() {
	}

	/**
	 * The application whose configuration the caller may read.
	 * @param authentication the caller
	 * @return the application name, or {@code null} when the caller may read none
	 */
	public static String application(Authentication authentication) {
		if (authentication == null || !authentication.isAuthenticated()
				|| !has(authentication.getAuthorities(), CONFIG_CLIENT)) {
			return null;
		}
		return authentication.getName();
	}

	static boolean has(Collection<? extends GrantedAuthority> authorities, String authority) {
		for (GrantedAuthority granted : authorities) {
			if (authority.equals(granted.getAuthority())) {
				return true;
			}
		}
		return false;
	}

}
