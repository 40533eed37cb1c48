package dev.tenancy.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stored-text rule on its own: every code unit from U+0000 to U+FFFF is judged, so
 * nothing outside the documented set is refused and nothing in it slips through.
 */
class StoredTextTest {

	@Test
	void exactlyTheDocumentedCharactersAreRefused() {
		for (int c = 0; c <= 0xFFFF; c++) {
			boolean documented = c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x061C || (c >= 0x200B && c <= 0x200F)
					|| (c >= 0x2028 && c <= 0x202E) || c == 0x2060 || (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF
					|| (c >= 0xD800 && c <= 0xDFFF);
			String text = "a" + (char) c + "b";
			assertThat(StoredText.isSafe(text)).as("U+%04X", c).isEqualTo(!documented);
			String escaped = StoredText.escape(text);
			assertThat(StoredText.isSafe(escaped)).as("escaped U+%04X", c).isTrue();
			assertThat(escaped).isEqualTo(documented ? String.format("a\\u%04Xb", c) : text);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "🚀", "👍🏽", "a🚀b", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "" })
	void surrogatePairsAreText(String text) {
		assertThat(StoredText.isSafe(text)).isTrue();
		assertThat(StoredText.escape(text)).isEqualTo(text);
	}

	@Test
	void unpairedSurrogatesAnywhereAreRefusedAndEscaped() {
		for (String text : new String[] { "\ud83d", "x\ud83d", "\ude80x", "\ude80\ud83d", "🚀\ud83d" }) {
			assertThat(StoredText.isSafe(text)).as(text).isFalse();
			assertThat(StoredText.isSafe(StoredText.escape(text))).isTrue();
		}
		assertThat(StoredText.escape("🚀\ud83d")).isEqualTo("🚀\\uD83D");
	}

	@Test
	void theRefusalNamesTheFieldNotTheValue() {
		InvalidTenantConfigException ex = org.assertj.core.api.Assertions.catchThrowableOfType(
				InvalidTenantConfigException.class, () -> StoredText.require("displayName", "secret\u0000value"));
		assertThat(ex.path()).isEqualTo("displayName");
		assertThat(ex.getMessage()).doesNotContain("secret").doesNotContain("value\u0000");
	}

}
