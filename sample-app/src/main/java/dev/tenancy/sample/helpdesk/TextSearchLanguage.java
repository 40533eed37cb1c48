package dev.tenancy.sample.helpdesk;

import java.util.Locale;
import java.util.Map;

import dev.tenancy.Tenant;
import dev.tenancy.context.TenantContext;
import dev.tenancy.registry.TenantRegistry;

/**
 * The PostgreSQL text search configuration ({@code regconfig}) of the current tenant's
 * {@code locale}: its language's built-in configuration, {@code simple} (no stemming, no
 * stop words) for a language PostgreSQL has none for or a tenant without a locale. Only
 * names from this fixed list ever reach SQL.
 */
final class TextSearchLanguage {

	static final String FALLBACK = "simple";

	private static final Map<String, String> BY_LANGUAGE = Map.ofEntries(Map.entry("ar", "arabic"),
			Map.entry("da", "danish"), Map.entry("de", "german"), Map.entry("el", "greek"), Map.entry("en", "english"),
			Map.entry("es", "spanish"), Map.entry("fi", "finnish"), Map.entry("fr", "french"),
			Map.entry("hu", "hungarian"), Map.entry("id", "indonesian"), Map.entry("it", "italian"),
			Map.entry("lt", "lithuanian"), Map.entry("nb", "norwegian"), Map.entry("ne", "nepali"),
			Map.entry("nl", "dutch"), Map.entry("nn", "norwegian"), Map.entry("no", "norwegian"),
			Map.entry("pt", "portuguese"), Map.entry("ro", "romanian"), Map.entry("ru", "russian"),
			Map.entry("sv", "swedish"), Map.entry("ta", "tamil"), Map.entry("tr", "turkish"));

	private final TenantRegistry registry;

	TextSearchLanguage(TenantRegistry registry) {
		this.registry = registry;
	}

	/**
	 * @return the configuration of the current tenant's locale
	 */
	String current() {
		return this.registry.find(TenantContext.require())
			.map(Tenant::config)
			.map((config) -> of(config.locale()))
			.orElse(FALLBACK);
	}

	/**
	 * The configuration of a locale.
	 * @param locale an IETF language tag such as {@code en-GB}, or {@code null}
	 * @return the configuration name
	 */
	static String of(String locale) {
		if (locale == null || locale.isBlank()) {
			return FALLBACK;
		}
		String language = Locale.forLanguageTag(locale).getLanguage();
		return BY_LANGUAGE.getOrDefault(language, FALLBACK);
	}

}
