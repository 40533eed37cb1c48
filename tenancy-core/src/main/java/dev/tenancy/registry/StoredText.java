package dev.tenancy.registry;

import java.util.List;
import java.util.Map;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;

/**
 * The rule for every text the registry stores (display names, plans, features, attribute
 * keys and values, route classes, ...): no character that can hide or rewrite what a
 * person reads. Refused are
 * <ul>
 * <li>control characters: C0 ({@code U+0000}–{@code U+001F}, tab and line breaks
 * included), DEL ({@code U+007F}) and C1 ({@code U+0080}–{@code U+009F});</li>
 * <li>bidirectional formatting: the embeddings and overrides
 * {@code U+202A}–{@code U+202E}, the isolates {@code U+2066}–{@code U+2069} and the marks
 * {@code U+200E}, {@code U+200F}, {@code U+061C};</li>
 * <li>invisible characters: zero-width space, non-joiner and joiner
 * {@code U+200B}–{@code U+200D}, word joiner {@code U+2060}, byte-order mark
 * {@code U+FEFF}, and the line and paragraph separators {@code U+2028},
 * {@code U+2029};</li>
 * <li>unpaired surrogates (not text at all; PostgreSQL cannot store them).</li>
 * </ul>
 * A refusal names the field, never the value. The check runs on every write to the
 * PostgreSQL registry and on every tenant file read, so the admin API, the importer, the
 * tenant-file registry and the config server all apply it; values already stored are
 * still read as they are.
 */
public final class StoredText {

	/** The reason given for a refused value. */
	public static final String REASON = "must not contain control, bidirectional-formatting or invisible characters";

	private StoredText() {
	}

	/**
	 * Whether a text may be stored.
	 * @param text the text, may be {@code null}
	 * @return {@code true} if it has no forbidden character ({@code null} is safe)
	 */
	public static boolean isSafe(String text) {
		return text == null || firstForbidden(text) < 0;
	}

	/**
	 * Refuse a text that may not be stored.
	 * @param path the field, such as {@code displayName}
	 * @param text the text, may be {@code null}
	 * @throws InvalidTenantConfigException naming the field
	 */
	public static void require(String path, String text) {
		if (!isSafe(text)) {
			throw new InvalidTenantConfigException(path, REASON);
		}
	}

	/**
	 * Refuse a tenant with any text that may not be stored.
	 * @param tenant the tenant
	 * @throws InvalidTenantConfigException naming the first offending field
	 */
	public static void require(Tenant tenant) {
		require("displayName", tenant.displayName());
		require(tenant.config());
	}

	/**
	 * Refuse a configuration with any text that may not be stored.
	 * @param config the configuration
	 * @throws InvalidTenantConfigException naming the first offending field, such as
	 * {@code features[2]} or {@code attributes.brandColour}
	 */
	public static void require(TenantConfig config) {
		require("plan", config.plan());
		require("locale", config.locale());
		requireAll("features", config.features());
		requireAll("emailDomains", config.emailDomains());
		requireKeysAndValues("attributes", config.attributes());
		if (config.rateLimit() != null) {
			for (String route : config.rateLimit().costs().keySet()) {
				// the route class is a key: its text is not repeated, even in the path
				require("rateLimit.costs", route);
			}
		}
	}

	/**
	 * A text with every forbidden character written as {@code \}{@code uXXXX}, for values
	 * that must be kept although they came from outside (the actor in the audit trail, a
	 * report line): no control sequence in it reaches a terminal, and nothing is lost.
	 * @param text the text, may be {@code null}
	 * @return the escaped text ({@code null} for {@code null})
	 */
	public static String escape(String text) {
		if (text == null || firstForbidden(text) < 0) {
			return text;
		}
		StringBuilder escaped = new StringBuilder(text.length() + 16);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				escaped.append(c).append(text.charAt(++i));
			}
			else if (isForbidden(c)) {
				escaped.append(String.format("\\u%04X", (int) c));
			}
			else {
				escaped.append(c);
			}
		}
		return escaped.toString();
	}

	private static void requireAll(String path, List<String> values) {
		for (int i = 0; i < values.size(); i++) {
			require(path + "[" + i + "]", values.get(i));
		}
	}

	private static void requireKeysAndValues(String path, Map<String, String> values) {
		for (Map.Entry<String, String> entry : values.entrySet()) {
			// a bad key is named by its map only: the key itself is the caller's text
			require(path, entry.getKey());
			require(path + "." + entry.getKey(), entry.getValue());
		}
	}

	/** The index of the first forbidden character, or -1. */
	private static int firstForbidden(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isHighSurrogate(c)) {
				if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
					i++;
					continue;
				}
				return i;
			}
			if (isForbidden(c)) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * Forbidden on its own; a high surrogate is judged with its successor by the callers.
	 */
	private static boolean isForbidden(char c) {
		return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x061C || (c >= 0x200B && c <= 0x200F)
				|| (c >= 0x2028 && c <= 0x202E) || c == 0x2060 || (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF
				|| Character.isSurrogate(c);
	}

}
