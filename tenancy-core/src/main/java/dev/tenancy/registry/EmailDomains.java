package dev.tenancy.registry;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The syntax of a tenant's e-mail domain: a lower-case DNS name of at least two labels,
 * such as {@code acme-travel.example}.
 * <p>
 * Lookups normalise untrusted input (an envelope recipient's domain) the way mail does:
 * case does not matter and a trailing dot (the DNS root) is ignored. Anything else that
 * is not a DNS name is no domain at all, so it can never match a tenant.
 */
public final class EmailDomains {

	/** Longest domain, as DNS allows (RFC 1035). */
	public static final int MAX_LENGTH = 253;

	private static final Pattern SYNTAX = Pattern
		.compile("(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

	private EmailDomains() {
	}

	/**
	 * Whether a value is a domain as a tenant's configuration must list it: lower case,
	 * no trailing dot.
	 * @param candidate untrusted input, may be {@code null}
	 * @return {@code true} if valid
	 */
	public static boolean isValid(String candidate) {
		return candidate != null && !candidate.isEmpty() && candidate.length() <= MAX_LENGTH
				&& SYNTAX.matcher(candidate).matches();
	}

	/**
	 * Normalise a domain to look up: lower case, without a trailing dot.
	 * @param candidate untrusted input, may be {@code null}
	 * @return the normalised domain, or empty when the input is not a domain
	 */
	public static Optional<String> normalize(String candidate) {
		if (candidate == null || candidate.isEmpty() || candidate.length() > MAX_LENGTH + 1) {
			return Optional.empty();
		}
		String domain = candidate.toLowerCase(Locale.ROOT);
		if (domain.endsWith(".")) {
			domain = domain.substring(0, domain.length() - 1);
		}
		return isValid(domain) ? Optional.of(domain) : Optional.empty();
	}

}
