package dev.tenancy;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A tenant identifier: a DNS label, {@code ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$}.
 * <p>
 * The syntax is checked before anything else looks at a candidate, so a hostile value
 * (padded, upper case, a comma list, non-ASCII, kilobytes long) never reaches a registry,
 * a log line or a cache key.
 *
 * @param value the identifier, always valid
 */
public record TenantId(String value) implements Comparable<TenantId> {

	/** Longest valid identifier; longer input is rejected before the pattern runs. */
	public static final int MAX_LENGTH = 63;

	private static final Pattern SYNTAX = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

	public TenantId {
		if (!isValid(value)) {
			throw new InvalidTenantIdException();
		}
	}

	/**
	 * Parse a candidate identifier.
	 * @param candidate untrusted input, may be {@code null}
	 * @return the identifier, or empty when the candidate is not a valid identifier
	 */
	public static Optional<TenantId> parse(String candidate) {
		return isValid(candidate) ? Optional.of(new TenantId(candidate)) : Optional.empty();
	}

	/**
	 * Create an identifier from a value known to be valid.
	 * @param value the identifier
	 * @return the identifier
	 * @throws InvalidTenantIdException if the value is not a valid identifier
	 */
	public static TenantId of(String value) {
		return new TenantId(value);
	}

	/**
	 * Whether a candidate is a valid identifier.
	 * @param candidate untrusted input, may be {@code null}
	 * @return {@code true} if valid
	 */
	public static boolean isValid(String candidate) {
		return candidate != null && !candidate.isEmpty() && candidate.length() <= MAX_LENGTH
				&& SYNTAX.matcher(candidate).matches();
	}

	@Override
	public int compareTo(TenantId other) {
		return this.value.compareTo(other.value);
	}

	@Override
	public String toString() {
		return this.value;
	}

}
