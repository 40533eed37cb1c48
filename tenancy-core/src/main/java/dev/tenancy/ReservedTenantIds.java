package dev.tenancy;

import java.util.Set;
import java.util.TreeSet;

/**
 * Tenant ids that are valid DNS labels but must not name a new tenant, because they
 * collide with a route or carry a meaning of their own:
 * <ul>
 * <li>routes and path segments of the apps and of Spring: {@code admin}, {@code api},
 * {@code actuator}, {@code audit}, {@code changes}, {@code tenants}, {@code oauth2},
 * {@code login}, {@code logout}, {@code error}, {@code health}, {@code static},
 * {@code assets}, ...;</li>
 * <li>host names a subdomain resolver would see: {@code www}, {@code localhost},
 * {@code mail}, {@code ftp}, ...;</li>
 * <li>words that mean "no tenant" or "every tenant" to people and programs: {@code null},
 * {@code undefined}, {@code none}, {@code default}, {@code all}, {@code system},
 * {@code root}, ...;</li>
 * <li>any id with {@code --} as its third and fourth characters ({@code xn--...}): DNS
 * reserves these labels (RFC 5891), and a punycode label shows as another text in a
 * browser.</li>
 * </ul>
 * Only the creation of a tenant is refused (admin API, registry, importer, tenant files);
 * an existing tenant with such an id keeps working, so no stored data becomes
 * unreachable. Upper-case variants need no entry: they are not valid ids at all.
 */
public final class ReservedTenantIds {

	private static final Set<String> RESERVED = Set.of(
			// routes of the apps, of Spring Boot and of Spring Security
			"admin", "administrator", "api", "actuator", "audit", "changes", "tenant", "tenants", "oauth2", "login",
			"logout", "signin", "signup", "auth", "sso", "token", "error", "health", "info", "metrics", "status",
			"static", "assets", "public", "internal", "console", "well-known", "swagger-ui", "docs",
			// host names a subdomain resolver would see
			"www", "localhost", "mail", "smtp", "imap", "ftp", "ns", "mx", "cdn",
			// "nobody", "everybody" and friends
			"null", "nil", "none", "undefined", "true", "false", "nan", "default", "all", "any", "unknown", "anonymous",
			"system", "root", "self", "me", "current", "test", "example", "invalid");

	private ReservedTenantIds() {
	}

	/**
	 * Whether an id must not name a new tenant.
	 * @param id the id
	 * @return {@code true} if reserved
	 */
	public static boolean isReserved(TenantId id) {
		return isReserved(id.value());
	}

	/**
	 * Whether a candidate id must not name a new tenant.
	 * @param candidate the candidate, may be {@code null}
	 * @return {@code true} if reserved
	 */
	public static boolean isReserved(String candidate) {
		if (candidate == null) {
			return false;
		}
		return RESERVED.contains(candidate)
				|| (candidate.length() >= 4 && candidate.charAt(2) == '-' && candidate.charAt(3) == '-');
	}

	/**
	 * The reserved words, sorted (ids with {@code --} in third and fourth place are
	 * reserved too).
	 * @return the words
	 */
	public static Set<String> words() {
		return new TreeSet<>(RESERVED);
	}

}
