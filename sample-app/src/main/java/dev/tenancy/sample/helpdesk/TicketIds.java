package dev.tenancy.sample.helpdesk;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Ticket ids: {@code HD-} and eight random characters of Crockford's base 32 (no I, L, O
 * or U, so they read back unambiguously), 40 random bits, unique per tenant.
 */
public final class TicketIds {

	private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

	private static final Pattern SYNTAX = Pattern.compile("HD-[0-9A-HJKMNP-TV-Z]{8}");

	private static final SecureRandom RANDOM = new SecureRandom();

	private TicketIds() {
	}

	/**
	 * @return a new random ticket id
	 */
	public static String next() {
		StringBuilder id = new StringBuilder("HD-");
		for (int i = 0; i < 8; i++) {
			id.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
		}
		return id.toString();
	}

	/**
	 * Whether a string is a well-formed ticket id.
	 * @param candidate untrusted input
	 * @return {@code true} if it is
	 */
	public static boolean isWellFormed(String candidate) {
		return candidate != null && SYNTAX.matcher(candidate).matches();
	}

}
