package dev.tenancy.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

import dev.tenancy.TenantConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TenantConfigJsonTest {

	/** The example of DESIGN.md, verbatim. */
	static final String DESIGN_EXAMPLE = """
			{
			  "plan": "standard",
			  "rateLimit": {
			    "limit": 1000, "window": "PT1M", "burst": 1000,
			    "perUser": { "limit": 100, "window": "PT1M" },
			    "costs": { "helpdesk": 5 }
			  },
			  "features": ["trips", "helpdesk"],
			  "emailDomains": ["acme-travel.example"],
			  "locale": "en-GB",
			  "attributes": { "brandColour": "#0a5" }
			}
			""";

	@Test
	void designExampleParses() {
		TenantConfig config = TenantConfigJson.parse(DESIGN_EXAMPLE);
		assertThat(config.plan()).isEqualTo("standard");
		assertThat(config.rateLimit().limit()).isEqualTo(1000);
		assertThat(config.rateLimit().window()).isEqualTo(Duration.ofMinutes(1));
		assertThat(config.rateLimit().burst()).isEqualTo(1000);
		assertThat(config.rateLimit().perUser()).isEqualTo(new TenantConfig.UserLimit(100, Duration.ofMinutes(1)));
		assertThat(config.rateLimit().costs()).containsExactly(Map.entry("helpdesk", 5L));
		assertThat(config.features()).containsExactly("trips", "helpdesk");
		assertThat(config.emailDomains()).containsExactly("acme-travel.example");
		assertThat(config.locale()).isEqualTo("en-GB");
		assertThat(config.attributes()).containsExactly(Map.entry("brandColour", "#0a5"));
	}

	@Test
	void emptyAndBlankAreTheEmptyConfig() {
		assertThat(TenantConfigJson.parse(null)).isEqualTo(TenantConfig.empty());
		assertThat(TenantConfigJson.parse("  ")).isEqualTo(TenantConfig.empty());
		assertThat(TenantConfigJson.parse("{}")).isEqualTo(TenantConfig.empty());
	}

	@Test
	void burstDefaultsToLimit() {
		TenantConfig config = TenantConfigJson.parse("{\"rateLimit\": {\"limit\": 10, \"window\": \"PT1S\"}}");
		assertThat(config.rateLimit().burst()).isEqualTo(10);
	}

	@ParameterizedTest(name = "{0} is rejected at {1}")
	@CsvSource(delimiter = '|',
			textBlock = """
					{"plan": "standard", "plna": "x"}                                              | plna
					{"rateLimit": {"limit": 10, "window": "PT1M", "perUser": {"limit": 1, "window": "PT1M", "x": 1}}} | rateLimit.perUser.x
					{"rateLimit": {"limit": 10, "window": "PT1M", "perUsr": {"limit": 1, "window": "PT1M"}}} | rateLimit.perUsr
					""")
	void unknownKeyIsRejectedNamingItsPath(String json, String path) {
		InvalidTenantConfigException ex = rejected(json);
		assertThat(ex.path()).isEqualTo(path);
		assertThat(ex).hasMessageStartingWith(path + ": unknown key (expected ");
	}

	@ParameterizedTest(name = "{0} is rejected at {1}")
	@CsvSource(delimiter = '|',
			textBlock = """
					{"rateLimit": {"limit": "100", "window": "PT1M"}}                                  | rateLimit.limit
					{"rateLimit": {"limit": 1.5, "window": "PT1M"}}                                    | rateLimit.limit
					{"rateLimit": {"limit": 1e3, "window": "PT1M"}}                                    | rateLimit.limit
					{"rateLimit": {"limit": true, "window": "PT1M"}}                                   | rateLimit.limit
					{"rateLimit": {"limit": null, "window": "PT1M"}}                                   | rateLimit.limit
					{"rateLimit": {"limit": 99999999999999999999999, "window": "PT1M"}}                | rateLimit.limit
					{"rateLimit": {"limit": 10, "window": "PT1M", "burst": "20"}}                      | rateLimit.burst
					{"rateLimit": {"limit": 10, "window": "one minute"}}                               | rateLimit.window
					{"rateLimit": {"limit": 10, "window": 60}}                                         | rateLimit.window
					{"rateLimit": {"limit": 10, "window": "PT1M", "perUser": {"limit": "1", "window": "PT1M"}}} | rateLimit.perUser.limit
					{"rateLimit": {"limit": 10, "window": "PT1M", "costs": {"helpdesk": "5"}}}         | rateLimit.costs.helpdesk
					{"rateLimit": {"limit": 10, "window": "PT1M", "costs": {"helpdesk": 2.5}}}         | rateLimit.costs.helpdesk
					{"rateLimit": "fast"}                                                              | rateLimit
					{"features": "trips"}                                                              | features
					{"features": ["trips", 5]}                                                         | features[1]
					{"features": ["trips", {"a": 1}]}                                                  | features[1]
					{"emailDomains": {"a": "b"}}                                                       | emailDomains
					{"plan": 5}                                                                        | plan
					{"plan": ["standard"]}                                                             | plan
					{"locale": false}                                                                  | locale
					{"attributes": {"brandColour": 5}}                                                 | attributes.brandColour
					{"attributes": {"brandColour": {"r": 1}}}                                          | attributes.brandColour
					{"attributes": ["a"]}                                                              | attributes
					""")
	void wrongTypeIsRejectedNamingItsPath(String json, String path) {
		assertThat(rejected(json).path()).isEqualTo(path);
	}

	@ParameterizedTest(name = "{0} is rejected at {1}")
	@CsvSource(delimiter = '|', textBlock = """
			{"features": ["trips", null]}                          | features[1]
			{"emailDomains": [null]}                               | emailDomains[0]
			{"attributes": {"brandColour": null}}                  | attributes.brandColour
			{"rateLimit": {"limit": 10, "window": "PT1M", "costs": {"helpdesk": null}}} | rateLimit.costs.helpdesk
			""")
	void nullInsideCollectionsIsRejectedNamingItsPath(String json, String path) {
		assertThat(rejected(json).path()).isEqualTo(path);
	}

	@ParameterizedTest(name = "{0} is rejected at {1}")
	@CsvSource(delimiter = '|',
			textBlock = """
					{"rateLimit": {"limit": 0, "window": "PT1M"}}                                   | rateLimit.limit
					{"rateLimit": {"limit": -5, "window": "PT1M"}}                                  | rateLimit.limit
					{"rateLimit": {"limit": 10}}                                                    | rateLimit.window
					{"rateLimit": {"limit": 10, "window": "PT0S"}}                                  | rateLimit.window
					{"rateLimit": {"limit": 10, "window": "-PT1M"}}                                 | rateLimit.window
					{"rateLimit": {"limit": 10, "window": "PT1M", "burst": 5}}                      | rateLimit.burst
					{"rateLimit": {"limit": 10, "window": "PT1M", "perUser": {"limit": 0, "window": "PT1M"}}} | rateLimit.perUser.limit
					{"rateLimit": {"limit": 10, "window": "PT1M", "perUser": {"limit": 1, "window": "PT0S"}}} | rateLimit.perUser.window
					{"rateLimit": {"limit": 10, "window": "PT1M", "costs": {"helpdesk": 0}}}        | rateLimit.costs.helpdesk
					{"rateLimit": {"limit": 10, "window": "PT1M", "costs": {"helpdesk": 11}}}       | rateLimit.costs.helpdesk
					{"rateLimit": {"limit": 1000000000000001, "window": "PT1M"}}                    | rateLimit.limit
					{"rateLimit": {"limit": 10, "window": "PT1M", "burst": 1000000000000001}}       | rateLimit.burst
					{"rateLimit": {"limit": 1, "window": "PT876600H", "burst": 2}}                 | rateLimit.window
					{"rateLimit": {"limit": 1, "window": "PT877000H"}}                              | rateLimit.window
					{"rateLimit": {"limit": 1, "window": "PT1S", "burst": 1000000000000000}}       | rateLimit.window
					{"rateLimit": {"limit": 10, "window": "PT1M", "perUser": {"limit": 1000000000000001, "window": "PT1M"}}} | rateLimit.perUser.limit
					{"rateLimit": {"limit": 10, "window": "PT1M", "perUser": {"limit": 1, "window": "PT877000H"}}} | rateLimit.perUser.window
					{"plan": ""}                                                                    | plan
					{"features": ["trips", " "]}                                                    | features[1]
					{"emailDomains": ["Acme.Example"]}                                              | emailDomains[0]
					{"emailDomains": ["localhost"]}                                                 | emailDomains[0]
					{"emailDomains": ["acme.example", "x@acme.example"]}                           | emailDomains[1]
					{"locale": "english"}                                                           | locale
					{"locale": "en_GB"}                                                             | locale
					{"locale": ""}                                                                  | locale
					{"locale": "en-GB-x"}                                                           | locale
					{"locale": "12-34"}                                                             | locale
					""")
	void valueOutOfRangeIsRejectedNamingItsPath(String json, String path) {
		assertThat(rejected(json).path()).isEqualTo(path);
	}

	@Test
	void aPlanAtTheBoundsOfExactLimitingIsAccepted() {
		TenantConfig config = TenantConfigJson.parse("{\"rateLimit\": {\"limit\": 1000000000000000, "
				+ "\"window\": \"PT876600H\", \"perUser\": {\"limit\": 1000000000000000, \"window\": \"PT1S\"}}}");
		assertThat(config.rateLimit().burst()).isEqualTo(1_000_000_000_000_000L);
		assertThat(TenantConfigJson
			.parse("{\"rateLimit\": {\"limit\": 1, \"window\": \"PT3S\", " + "\"burst\": 1000000000}}")
			.rateLimit()
			.burst()).as("95 years to fill").isEqualTo(1_000_000_000L);
	}

	@Test
	void burstBelowLimitIsRejected() {
		InvalidTenantConfigException ex = rejected(
				"{\"rateLimit\": {\"limit\": 100, \"window\": \"PT1M\", \"burst\": 99}}");
		assertThat(ex.path()).isEqualTo("rateLimit.burst");
		assertThat(ex).hasMessage("rateLimit.burst: must be a whole number not less than the limit "
				+ "(the bucket's capacity; the limit when unset)");
	}

	@Test
	void validLocalesAreAccepted() {
		for (String locale : List.of("en", "en-GB", "de-CH", "pt-BR", "zh-Hant-TW", "es-419")) {
			assertThat(TenantConfigJson.parse("{\"locale\": \"" + locale + "\"}").locale()).isEqualTo(locale);
		}
	}

	@Test
	void duplicateKeysAreRejected() {
		assertThat(rejected("{\"plan\": \"standard\", \"plan\": \"premium\"}").path()).isEqualTo("plan");
		assertThat(rejected("{\"rateLimit\": {\"limit\": 10, \"limit\": 20, \"window\": \"PT1M\"}}").path())
			.isEqualTo("rateLimit.limit");
		assertThat(rejected("{\"attributes\": {\"a\": \"1\", \"a\": \"2\"}}").path()).isEqualTo("attributes.a");
		assertThat(rejected("{\"plan\": \"standard\", \"plan\": \"premium\"}")).hasMessageContaining("duplicate");
	}

	@Test
	void malformedDocumentsAreRejected() {
		assertThat(rejected("{\"plan\": \"standard\"").getMessage()).isNotBlank();
		assertThat(rejected("{\"plan\": \"standard\"} {}").getMessage()).isNotBlank();
		assertThat(rejected("[]").path()).isEqualTo("config");
		assertThat(rejected("\"standard\"").path()).isEqualTo("config");
		assertThat(rejected("null x").getMessage()).isNotBlank();
		assertThat(rejected("{plan: \"standard\"}").getMessage()).isNotBlank();
		assertThat(rejected("{\"plan\": 'standard'}").getMessage()).isNotBlank();
	}

	@Test
	void oversizedDocumentIsRejectedBeforeParsing() {
		String big = "{\"attributes\": {\"a\": \"" + "x".repeat(TenantConfigJson.MAX_LENGTH) + "\"}}";
		InvalidTenantConfigException ex = rejected(big);
		assertThat(ex.path()).isEqualTo("config");
		assertThat(ex).hasMessageContaining("larger than");
	}

	@Test
	void tooManyOrTooLongEntriesAreRejected() {
		String features = "[" + "\"f\",".repeat(100) + "\"f\"]";
		assertThat(rejected("{\"features\": " + features + "}").path()).isEqualTo("features");
		assertThat(rejected("{\"attributes\": {\"a\": \"" + "x".repeat(1025) + "\"}}").path())
			.isEqualTo("attributes.a");
		assertThat(rejected("{\"plan\": \"" + "p".repeat(65) + "\"}").path()).isEqualTo("plan");
	}

	@Test
	void messageNamesThePathButNeverTheValue() {
		InvalidTenantConfigException ex = rejected(
				"{\"rateLimit\": {\"limit\": \"secret-value\", \"window\": \"PT1M\"}}");
		assertThat(ex.getMessage()).startsWith("rateLimit.limit: ").doesNotContain("secret-value");
		ex = rejected("{\"plan\": \"standard\", \"secret-key-value\": 1}");
		assertThat(ex.getMessage()).startsWith("secret-key-value: unknown key (expected plan, rateLimit, ");
	}

	@Test
	void writeThenParseGivesTheSameConfig() {
		TenantConfig config = TenantConfigJson.parse(DESIGN_EXAMPLE);
		String json = TenantConfigJson.write(config);
		assertThat(TenantConfigJson.parse(json)).isEqualTo(config);
		assertThat(json).contains("\"window\":\"PT1M\"").doesNotContain("\n");
		assertThat(TenantConfigJson.parse(TenantConfigJson.write(TenantConfig.empty())))
			.isEqualTo(TenantConfig.empty());
		TenantConfig minimal = new TenantConfig("basic",
				new TenantConfig.RateLimit(5, Duration.ofSeconds(10), 0, null, null), null, null, null, null);
		assertThat(TenantConfigJson.parse(TenantConfigJson.write(minimal))).isEqualTo(minimal);
	}

	@Test
	void writeValidatesToo() {
		TenantConfig bad = new TenantConfig(null, null, null, List.of("Not A Domain"), null, null);
		assertThatExceptionOfType(InvalidTenantConfigException.class).isThrownBy(() -> TenantConfigJson.write(bad))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("emailDomains[0]"));
	}

	@Test
	void treeFromYamlOrJsonIsValidatedWithTheSameRules() {
		JsonMapper mapper = JsonMapper.builder().build();
		assertThat(TenantConfigJson.fromTree(mapper.readTree(DESIGN_EXAMPLE), "config"))
			.isEqualTo(TenantConfigJson.parse(DESIGN_EXAMPLE));
		assertThat(TenantConfigJson.fromTree(null, "config")).isEqualTo(TenantConfig.empty());
		assertThat(catchThrowableOfType(InvalidTenantConfigException.class,
				() -> TenantConfigJson.fromTree(mapper.readTree("[1]"), "tenants/acme.yml: config"))
			.path()).isEqualTo("tenants/acme.yml: config");
		assertThat(catchThrowableOfType(InvalidTenantConfigException.class,
				() -> TenantConfigJson.fromTree(mapper.readTree("{\"rateLimit\": {\"limit\": \"1\"}}"), "config"))
			.path()).isEqualTo("config.rateLimit.limit");
	}

	@Test
	void treeHasTheDocumentShape() {
		TenantConfig config = TenantConfigJson.parse(DESIGN_EXAMPLE);
		assertThat(TenantConfigJson.tree(config).get("rateLimit").get("window").asString()).isEqualTo("PT1M");
		assertThat(TenantConfigJson.tree(config).get("features").size()).isEqualTo(2);
	}

	@ParameterizedTest(name = "{0} is {1}")
	@CsvSource(delimiter = '|', textBlock = """
			1m    | PT1M
			PT1M  | PT1M
			pt1m  | PT1M
			30s   | PT30S
			500ms | PT0.5S
			2h    | PT2H
			1d    | PT24H
			""")
	void durationsAreAcceptedInBothForms(String text, String iso) {
		TenantConfig config = TenantConfigJson.parse("{\"rateLimit\": {\"limit\": 10, \"window\": \"" + text + "\"}}");
		assertThat(config.rateLimit().window()).isEqualTo(Duration.parse(iso));
	}

	@Test
	void aWrongDurationSaysWhichFormsAreAccepted() {
		assertThat(rejected("{\"rateLimit\": {\"limit\": 10, \"window\": \"1 minute\"}}"))
			.hasMessage("rateLimit.window: must be " + TenantConfigJson.DURATION_FORM)
			.hasMessageContaining("1m")
			.hasMessageContaining("PT1M");
	}

	@Test
	void everyViolationIsReportedAtOnce() {
		InvalidTenantConfigException ex = rejected("""
				{"plann": "gold", "rateLimit": {"limit": 10, "window": "60", "burst": 5},
				 "locale": "english", "emailDomains": ["NOT_A_DOMAIN"]}""");
		assertThat(ex.violations()).extracting(dev.tenancy.TenancyException.Violation::path)
			.containsExactly("plann", "rateLimit.window", "rateLimit.burst", "emailDomains[0]", "locale");
	}

	@Test
	void propertiesAreReadWithRelaxedNamesAndTheSameRules() {
		Map<String, Object> values = new java.util.LinkedHashMap<>();
		values.put("plan", "gold");
		values.put("rate-limit",
				Map.of("limit", "100", "window", "1m", "per-user", Map.of("limit", 10, "window", "PT1M")));
		values.put("features", "trips, helpdesk");
		values.put("emailDomains", Map.of("0", "acme.example"));
		TenantConfig config = TenantConfigJson.fromProperties(values, "tenancy.tenants.acme.config");
		assertThat(config.rateLimit().limit()).isEqualTo(100);
		assertThat(config.rateLimit().window()).isEqualTo(Duration.ofMinutes(1));
		assertThat(config.rateLimit().perUser()).isEqualTo(new TenantConfig.UserLimit(10, Duration.ofMinutes(1)));
		assertThat(config.features()).containsExactly("trips", "helpdesk");
		assertThat(config.emailDomains()).containsExactly("acme.example");
	}

	@Test
	void propertiesGetTheSameMessagesUnderTheirPropertyNames() {
		Map<String, Object> values = Map.of("rateLimit", Map.of("limit", "5", "window", "sixty", "burst", "2"));
		InvalidTenantConfigException ex = catchThrowableOfType(InvalidTenantConfigException.class,
				() -> TenantConfigJson.fromProperties(values, "tenancy.tenants.acme.config"));
		InvalidTenantConfigException json = rejected(
				"{\"rateLimit\": {\"limit\": 5, \"window\": \"sixty\", \"burst\": 2}}");
		assertThat(ex.violations()).extracting(dev.tenancy.TenancyException.Violation::path)
			.containsExactly("tenancy.tenants.acme.config.rate-limit.window",
					"tenancy.tenants.acme.config.rate-limit.burst");
		assertThat(ex.violations()).extracting(dev.tenancy.TenancyException.Violation::message)
			.isEqualTo(json.violations().stream().map(dev.tenancy.TenancyException.Violation::message).toList());
		assertThat(catchThrowableOfType(InvalidTenantConfigException.class,
				() -> TenantConfigJson.fromProperties(Map.of("plann", "gold"), "tenancy.tenants.acme.config")))
			.hasMessage("tenancy.tenants.acme.config.plann: unknown key (expected plan, rate-limit, features, "
					+ "email-domains, locale, attributes)");
	}

	private static InvalidTenantConfigException rejected(String json) {
		InvalidTenantConfigException ex = catchThrowableOfType(InvalidTenantConfigException.class,
				() -> TenantConfigJson.parse(json));
		assertThat(ex).as("%s should be rejected", json).isNotNull();
		return ex;
	}

}
