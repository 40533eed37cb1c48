package dev.tenancy.admin;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import dev.tenancy.ReservedTenantIds;
import dev.tenancy.Tenant;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.InvalidTenantConfigException;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.TenantConfigJson;
import dev.tenancy.registry.jdbc.JdbcTenantRegistry;
import dev.tenancy.registry.jdbc.RegistryMigrations;
import dev.tenancy.test.Databases;
import dev.tenancy.test.TestAuthentication;
import dev.tenancy.test.TestServices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

/**
 * Hostile input on the tenant admin API, against the PostgreSQL registry (a schema of its
 * own): reserved ids, a PUT that forgets a field, JSON Merge Patch, forbidden characters
 * in every stored text, a hostile token subject as the audit actor, and DELETE's
 * If-Match. Every refusal is a 400 (or 428/409) problem that names the field and never
 * repeats the value, and changes nothing.
 */
class TenantAdminInputTest {

	/**
	 * Non-ASCII written as escapes, so that lone surrogates reach the server as they are.
	 */
	static final JsonMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

	static final String FULL_CONFIG = """
			{"plan":"standard","rateLimit":{"limit":100,"window":"PT1M","burst":150,
			 "perUser":{"limit":10,"window":"PT1M"},"costs":{"helpdesk":5}},
			 "features":["trips","helpdesk"],"emailDomains":["acme-travel.example"],"locale":"en-GB",
			 "attributes":{"brandColour":"#0a5"}}""";

	/**
	 * The full configuration of one tenant: an e-mail domain of its own, since two
	 * tenants never share one.
	 */
	static String fullConfig(String id) {
		return FULL_CONFIG.replace("acme-travel.example", id + ".example");
	}

	/** A marker around every hostile value: a body that contains it has echoed input. */
	static final String MARK = "EVILxq";

	static String schema;

	static HikariDataSource dataSource;

	/** A tenant every forbidden-character case tries to change (and none may). */
	static String shared;

	static JdbcClient jdbc;

	JdbcTenantRegistry registry;

	MockMvc mvc;

	@BeforeAll
	static void database() {
		schema = Databases.uniqueName("admin_input");
		dataSource = Databases.hikari(TestServices.postgres().jdbcUrl(), 2, "admin-input-test");
		RegistryMigrations.migrate(dataSource, schema);
		jdbc = JdbcClient.create(dataSource);
		shared = unique("chars-shared");
		new JdbcTenantRegistry(dataSource, schema, null).create(TenantId.of(shared), "Acme Travel",
				TenantConfigJson.parse(fullConfig(shared)), new TenantChange("setup", null));
	}

	@AfterAll
	static void close() {
		dataSource.close();
	}

	@BeforeEach
	void api() {
		this.registry = new JdbcTenantRegistry(dataSource, schema, null);
		this.mvc = MockMvcBuilders.standaloneSetup(new TenantAdminController(this.registry, this.registry)).build();
		TestAuthentication.signIn(Map.of("sub", "ops-client"), "SCOPE_tenancy.admin");
	}

	@AfterEach
	void signOut() {
		TestAuthentication.clear();
	}

	// --- reserved ids

	static Stream<String> reservedIds() {
		List<String> ids = new ArrayList<>(ReservedTenantIds.words());
		ids.addAll(List.of("xn--80ak6aa92e", "ab--cd", "zz--z"));
		return ids.stream();
	}

	@ParameterizedTest
	@MethodSource("reservedIds")
	void aReservedIdIsRefusedAndNothingIsCreated(String id) throws Exception {
		Answer answer = send(post("/admin/tenants").contentType("application/json")
			.content("{\"id\":\"" + id + "\",\"displayName\":\"Reserved\"}"));

		answer.assertProblem(400, "invalid_request", "id");
		assertThatExceptionOfType(InvalidTenantConfigException.class)
			.isThrownBy(() -> this.registry.create(TenantId.of(id), "Reserved", null, new TenantChange("t", null)))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("id"));
		// (one reserved id exists from before, see below: never created through the API)
		assertThat(this.registry.audit(TenantId.of(id))).extracting("action").doesNotContain("created");
	}

	@ParameterizedTest
	@ValueSource(strings = { "Admin", "ADMIN", "WWW", "Null", " admin", "admin ", "admin\u0000", "admin\u200b" })
	void caseAndPaddingVariantsOfReservedIdsAreInvalidIds(String id) throws Exception {
		Answer answer = send(post("/admin/tenants").contentType("application/json")
			.content(JSON.writeValueAsString(Map.of("id", id, "displayName", "Variant"))));
		answer.assertProblem(400, "invalid_request", null);
		assertThat(answer.body()).doesNotContain(id);
	}

	@Test
	void idsThatMerelyContainAReservedWordAreFine() throws Exception {
		for (String id : List.of(unique("admin-travel"), unique("www-tours"), unique("nullarbor"))) {
			send(post("/admin/tenants").contentType("application/json")
				.content("{\"id\":\"" + id + "\",\"displayName\":\"Fine\"}")).assertStatus(201);
		}
	}

	@Test
	void anExistingTenantWithANowReservedIdKeepsWorking() throws Exception {
		// A row from before the list existed: reads, updates, patches and deletion all
		// still work.
		jdbc.sql("insert into " + schema + ".tenant (id, display_name, status, config, config_source, version) "
				+ "values ('www', 'Old WWW Tours', 'ACTIVE', '{}'::jsonb, 'db', 0) on conflict do nothing")
			.update();
		long version = this.registry.find(TenantId.of("www")).orElseThrow().version();
		send(get("/admin/tenants/www")).assertStatus(200);
		send(put("/admin/tenants/www").header("If-Match", etag(version))
			.contentType("application/json")
			.content("{\"displayName\":\"WWW Tours\",\"config\":{\"plan\":\"basic\"}}")).assertStatus(200);
		send(patch("/admin/tenants/www").header("If-Match", etag(version + 1))
			.contentType(TenantAdminController.MERGE_PATCH_JSON)
			.content("{\"config\":{\"features\":[\"trips\"]}}")).assertStatus(200);
		send(post("/admin/tenants/www/suspend")).assertStatus(200);
		send(delete("/admin/tenants/www").header("If-Match", etag(version + 3))).assertStatus(204);
		assertThat(this.registry.find(TenantId.of("www")).orElseThrow().status()).isEqualTo(TenantStatus.DELETED);
	}

	// --- PUT is a full replacement

	static Stream<Arguments> putBodiesMissingAField() {
		return Stream.of(Arguments.of("{\"displayName\":\"No config\"}", "config"),
				Arguments.of("{\"displayName\":\"Null config\",\"config\":null}", "config"),
				Arguments.of("{\"displayName\":\"Config as text\",\"config\":\"{}\"}", "config"),
				Arguments.of("{\"config\":{\"plan\":\"basic\"}}", "displayName"),
				Arguments.of("{\"displayName\":null,\"config\":{}}", "displayName"),
				Arguments.of("{\"displayName\":\"\",\"config\":{}}", "displayName"), Arguments.of("{}", "displayName"));
	}

	@ParameterizedTest
	@MethodSource("putBodiesMissingAField")
	void aPutWithoutEveryFieldIsRefusedAndWipesNothing(String body, String field) throws Exception {
		String id = createFull("put-missing");

		send(put("/admin/tenants/" + id).header("If-Match", "\"0\"").contentType("application/json").content(body))
			.assertProblem(400, "invalid_request", field);

		Tenant after = this.registry.find(TenantId.of(id)).orElseThrow();
		assertThat(after.version()).isZero();
		assertThat(after.config()).isEqualTo(TenantConfigJson.parse(fullConfig(id)));
		assertThat(after.config().rateLimit().limit()).isEqualTo(100);
	}

	@Test
	void aPutWithAnEmptyConfigObjectIsAnExplicitEmptyConfiguration() throws Exception {
		String id = createFull("put-empty");
		send(put("/admin/tenants/" + id).header("If-Match", "\"0\"")
			.contentType("application/json")
			.content("{\"displayName\":\"Bare\",\"config\":{}}")).assertStatus(200);
		assertThat(this.registry.find(TenantId.of(id)).orElseThrow().config().rateLimit()).isNull();
	}

	// --- PATCH with JSON Merge Patch

	@Test
	void aMergePatchChangesOnlyWhatItNames() throws Exception {
		String id = createFull("patch-name");

		Answer renamed = send(mergePatch(id, "\"0\"", "{\"displayName\":\"Acme Voyages\"}"));
		renamed.assertStatus(200);
		assertThat(renamed.response().getHeader("ETag")).isEqualTo("\"1\"");
		Tenant after = this.registry.find(TenantId.of(id)).orElseThrow();
		assertThat(after.displayName()).isEqualTo("Acme Voyages");
		assertThat(after.config()).isEqualTo(TenantConfigJson.parse(fullConfig(id)));

		send(mergePatch(id, "\"1\"", """
				{"config":{"rateLimit":{"perUser":{"limit":20}},"features":["trips"],"plan":null,
				 "attributes":{"brandColour":null,"tagline":"Go far"}}}""")).assertStatus(200);
		Tenant patched = this.registry.find(TenantId.of(id)).orElseThrow();
		assertThat(patched.version()).isEqualTo(2);
		assertThat(patched.config().plan()).isNull();
		assertThat(patched.config().features()).containsExactly("trips");
		assertThat(patched.config().attributes()).containsExactly(Map.entry("tagline", "Go far"));
		assertThat(patched.config().rateLimit().limit()).isEqualTo(100);
		assertThat(patched.config().rateLimit().burst()).isEqualTo(150);
		assertThat(patched.config().rateLimit().perUser().limit()).isEqualTo(20);
		assertThat(patched.config().rateLimit().perUser().window()).hasMinutes(1);
		assertThat(patched.config().rateLimit().costs()).containsEntry("helpdesk", 5L);
		assertThat(patched.config().emailDomains()).containsExactly(id + ".example");

		// removing an optional part is explicit
		send(mergePatch(id, "\"2\"", "{\"config\":{\"rateLimit\":null}}")).assertStatus(200);
		assertThat(this.registry.find(TenantId.of(id)).orElseThrow().config().rateLimit()).isNull();
		assertThat(this.registry.audit(TenantId.of(id))).extracting("action")
			.containsExactly("created", "updated", "updated", "updated");
	}

	static Stream<Arguments> badMergePatches() {
		String longName = "N".repeat(201);
		String manyFeatures = "[" + String.join(",", java.util.Collections.nCopies(101, "\"f\"")) + "]";
		return Stream.of(Arguments.of("{\"displayName\":null}", "displayName"),
				Arguments.of("{\"config\":null}", "config"), Arguments.of("{\"displayName\":\"\"}", "displayName"),
				Arguments.of("{\"displayName\":\"   \"}", "displayName"),
				Arguments.of("{\"displayName\":42}", "displayName"),
				Arguments.of("{\"displayName\":\"" + longName + "\"}", "displayName"),
				Arguments.of("{\"config\":5}", "config"), Arguments.of("{\"config\":[]}", "config"),
				Arguments.of("{\"config\":{\"rateLimit\":{\"limit\":null}}}", "config.rateLimit.limit"),
				Arguments.of("{\"config\":{\"rateLimit\":{\"limit\":-1}}}", "config.rateLimit.limit"),
				Arguments.of("{\"config\":{\"rateLimit\":{\"limit\":\"100\"}}}", "config.rateLimit.limit"),
				Arguments.of("{\"config\":{\"rateLimit\":{\"limit\":1000}}}", "config.rateLimit.burst"),
				Arguments.of("{\"config\":{\"rateLimit\":{\"window\":\"60\"}}}", "config.rateLimit.window"),
				Arguments.of("{\"config\":{\"rateLimit\":{\"perUser\":{\"window\":null}}}}",
						"config.rateLimit.perUser.window"),
				Arguments.of("{\"config\":{\"features\":" + manyFeatures + "}}", "config.features"),
				Arguments.of("{\"config\":{\"features\":[null]}}", "config.features[0]"),
				Arguments.of("{\"config\":{\"attributes\":{\"k\":\"" + "v".repeat(1025) + "\"}}}",
						"config.attributes.k"),
				Arguments.of("{\"config\":{\"colour\":\"red\"}}", "config.colour"),
				Arguments.of("{\"config\":{\"locale\":\"not a locale\"}}", "config.locale"),
				Arguments.of("{\"status\":\"ACTIVE\"}", "status"), Arguments.of("{\"id\":\"other\"}", "id"),
				Arguments.of("{\"version\":7}", "version"), Arguments.of("[]", null), Arguments.of("\"x\"", null),
				Arguments.of("null", null), Arguments.of("{", null), Arguments.of("", null),
				Arguments.of("{\"displayName\":\"A\",\"displayName\":\"B\"}", null));
	}

	@ParameterizedTest
	@MethodSource("badMergePatches")
	void aBadMergePatchIsRefusedAndChangesNothing(String patch, String field) throws Exception {
		String id = createFull("patch-bad");

		send(mergePatch(id, "\"0\"", patch)).assertProblem(400, "invalid_request", field);

		Tenant after = this.registry.find(TenantId.of(id)).orElseThrow();
		assertThat(after.version()).isZero();
		assertThat(after.displayName()).isEqualTo("Acme Travel");
		assertThat(after.config()).isEqualTo(TenantConfigJson.parse(fullConfig(id)));
	}

	@Test
	void anOversizedMergePatchIsRefused() throws Exception {
		String id = createFull("patch-huge");
		String huge = "{\"config\":{\"attributes\":{\"k\":\"" + "v".repeat(TenantConfigJson.MAX_LENGTH + 2048)
				+ "\"}}}";
		assertThat(send(mergePatch(id, "\"0\"", huge)).status()).isEqualTo(413);
		assertThat(this.registry.find(TenantId.of(id)).orElseThrow().version()).isZero();
	}

	@Test
	void aMergePatchNeedsIfMatchAndTheCurrentVersion() throws Exception {
		String id = createFull("patch-match");
		String body = "{\"displayName\":\"Changed\"}";

		send(patch("/admin/tenants/" + id).contentType(TenantAdminController.MERGE_PATCH_JSON).content(body))
			.assertProblem(428, "precondition_required", null);
		send(mergePatch(id, "garbage", body)).assertProblem(428, "precondition_required", null);
		Answer stale = send(mergePatch(id, "\"7\"", body));
		stale.assertProblem(409, "version_conflict", null);
		assertThat(stale.response().getHeader("ETag")).isEqualTo("\"0\"");
		send(mergePatch("nobody-" + UUID.randomUUID().toString().substring(0, 8), "\"0\"", body)).assertStatus(404);
		assertThat(send(
				patch("/admin/tenants/" + id).header("If-Match", "\"0\"").contentType("application/json").content(body))
			.status()).isEqualTo(415);

		assertThat(this.registry.find(TenantId.of(id)).orElseThrow().displayName()).isEqualTo("Acme Travel");
		send(mergePatch(id, "W/\"0\"", body)).assertStatus(200);
	}

	@Test
	void aDeletedTenantCannotBePatched() throws Exception {
		String id = createFull("patch-deleted");
		send(delete("/admin/tenants/" + id).header("If-Match", "\"0\"")).assertStatus(204);
		send(mergePatch(id, "\"1\"", "{\"displayName\":\"Back\"}")).assertProblem(404, "tenant_not_found", null);
	}

	// --- forbidden characters in every stored text

	/** One of each kind the rule refuses, by name. */
	static final Map<String, String> FORBIDDEN = forbidden();

	static Map<String, String> forbidden() {
		Map<String, String> chars = new java.util.LinkedHashMap<>();
		chars.put("NUL", "\u0000");
		chars.put("SOH", "\u0001");
		chars.put("TAB", "\t");
		chars.put("LF", "\n");
		chars.put("CR", "\r");
		chars.put("ESC", "\u001b");
		chars.put("US", "\u001f");
		chars.put("DEL", "\u007f");
		chars.put("C1 PAD", "\u0080");
		chars.put("C1 NEL", "\u0085");
		chars.put("C1 CSI", "\u009b");
		chars.put("C1 APC", "\u009f");
		chars.put("ALM", "\u061c");
		chars.put("ZWSP", "\u200b");
		chars.put("ZWNJ", "\u200c");
		chars.put("ZWJ", "\u200d");
		chars.put("LRM", "\u200e");
		chars.put("RLM", "\u200f");
		chars.put("LINE SEPARATOR", "\u2028");
		chars.put("PARAGRAPH SEPARATOR", "\u2029");
		chars.put("LRE", "\u202a");
		chars.put("RLE", "\u202b");
		chars.put("PDF", "\u202c");
		chars.put("LRO", "\u202d");
		chars.put("RLO", "\u202e");
		chars.put("WORD JOINER", "\u2060");
		chars.put("LRI", "\u2066");
		chars.put("RLI", "\u2067");
		chars.put("FSI", "\u2068");
		chars.put("PDI", "\u2069");
		chars.put("BOM", "\ufeff");
		chars.put("lone high surrogate", "\ud800");
		chars.put("lone low surrogate", "\udc00");
		chars.put("reversed pair", "\udc00\ud800");
		return chars;
	}

	/** Where a text goes in a create body, and the field the answer must name. */
	enum Field {

		DISPLAY_NAME("displayName"), PLAN("config.plan"), FEATURE("config.features[1]"),
		ATTRIBUTE_KEY("config.attributes"), ATTRIBUTE_VALUE("config.attributes.tagline"),
		COST_ROUTE("config.rateLimit.costs"), LOCALE("config.locale"), EMAIL_DOMAIN("config.emailDomains[0]");

		final String path;

		Field(String path) {
			this.path = path;
		}

		Map<String, Object> config(String text) {
			Map<String, Object> config = new java.util.LinkedHashMap<>();
			config.put("plan", (this == PLAN) ? text : "standard");
			config.put("features", List.of("trips", (this == FEATURE) ? text : "helpdesk"));
			config.put("attributes",
					Map.of((this == ATTRIBUTE_KEY) ? text : "tagline", (this == ATTRIBUTE_VALUE) ? text : "Go far"));
			config.put("rateLimit", Map.of("limit", 100, "window", "PT1M", "costs",
					Map.of((this == COST_ROUTE) ? text : "helpdesk", 5)));
			config.put("locale", (this == LOCALE) ? "en-GB" + text : "en-GB");
			config.put("emailDomains", List.of((this == EMAIL_DOMAIN) ? text + ".example" : "acme.example"));
			return config;
		}

		String displayName(String text) {
			return (this == DISPLAY_NAME) ? text : "Acme Travel";
		}

	}

	static Stream<Arguments> forbiddenCharacterInEveryField() {
		List<Arguments> cases = new ArrayList<>();
		for (Map.Entry<String, String> forbidden : FORBIDDEN.entrySet()) {
			for (Field field : Field.values()) {
				cases.add(Arguments.of(forbidden.getKey(), field, MARK + forbidden.getValue() + MARK));
			}
			// alone, and at the very start and end
			cases.add(Arguments.of(forbidden.getKey() + " alone", Field.DISPLAY_NAME, forbidden.getValue()));
			cases.add(Arguments.of(forbidden.getKey() + " first", Field.PLAN, forbidden.getValue() + MARK));
			cases.add(Arguments.of(forbidden.getKey() + " last", Field.FEATURE, MARK + forbidden.getValue()));
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0} in {1}")
	@MethodSource("forbiddenCharacterInEveryField")
	void aForbiddenCharacterInAnyStoredTextIsRefusedOnCreatePutAndPatch(String kind, Field field, String text)
			throws Exception {
		String id = unique("chars");
		// (emailDomains and locale have grammars of their own that refuse the character
		// first)
		String path = field.path;
		Map<String, Object> create = Map.of("id", id, "displayName", field.displayName(text), "config",
				field.config(text));
		send(post("/admin/tenants").contentType("application/json").content(JSON.writeValueAsString(create)))
			.assertProblem(400, "invalid_request", path);
		assertThat(exists(id)).isFalse();

		String existing = shared;
		Map<String, Object> replace = Map.of("displayName", field.displayName(text), "config", field.config(text));
		send(put("/admin/tenants/" + existing).header("If-Match", "\"0\"")
			.contentType("application/json")
			.content(JSON.writeValueAsString(replace))).assertProblem(400, "invalid_request", path);
		send(mergePatch(existing, "\"0\"", JSON.writeValueAsString(replace))).assertProblem(400, "invalid_request",
				path);
		assertThat(this.registry.find(TenantId.of(existing)).orElseThrow().version()).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "Zürich Reisen", "旅行社", "سفر", "טיולים", "Ωmega Tours", "Café ☕ & Co", "Rocket 🚀 Trips",
			"tab-less \\ back\\slash", "quote \" and 'apostrophe'", "<b>not html</b>", "emoji 👍🏽 with modifier" })
	void ordinaryUnicodeTextIsKept(String text) throws Exception {
		String id = unique("unicode");
		Map<String, Object> body = Map.of("id", id, "displayName", text, "config",
				Map.of("plan", text, "features", List.of(text), "attributes", Map.of(text, text)));
		send(post("/admin/tenants").contentType("application/json").content(JSON.writeValueAsString(body)))
			.assertStatus(201);
		Tenant stored = this.registry.find(TenantId.of(id)).orElseThrow();
		assertThat(stored.displayName()).isEqualTo(text);
		assertThat(stored.config().attributes()).containsEntry(text, text);
	}

	// --- the audit actor

	static Stream<Arguments> hostileSubjects() {
		return Stream.of(Arguments.of("nul\u0000sub", "nul\\u0000sub"),
				Arguments.of("\u001b[31mred\u001b[0m", "\\u001B[31mred\\u001B[0m"),
				Arguments.of("\u001b]0;pwned\u0007", "\\u001B]0;pwned\\u0007"),
				Arguments.of("csi\u009b2J", "csi\\u009B2J"), Arguments.of("evil\u202egnp.exe", "evil\\u202Egnp.exe"),
				Arguments.of("line\nbreak\r\n", "line\\u000Abreak\\u000D\\u000A"),
				Arguments.of("lone\ud800", "lone\\uD800"), Arguments.of("ok 🚀", "ok 🚀"));
	}

	@ParameterizedTest
	@MethodSource("hostileSubjects")
	void aHostileTokenSubjectIsStoredEscapedAsTheAuditActor(String subject, String stored) throws Exception {
		TestAuthentication.signIn(Map.of("sub", subject), "SCOPE_tenancy.admin");
		String id = unique("actor");
		send(post("/admin/tenants").contentType("application/json")
			.content("{\"id\":\"" + id + "\",\"displayName\":\"Actor test\"}")).assertStatus(201);

		String actor = jdbc.sql("select actor from " + schema + ".tenant_audit where tenant_id = ?")
			.param(id)
			.query(String.class)
			.single();
		assertThat(actor).isEqualTo(stored);
		assertThat(actor.chars()).noneMatch((c) -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x202e);
		Answer audit = send(get("/admin/tenants/" + id + "/audit"));
		assertThat(audit.json().get(0).path("actor").asString()).isEqualTo(stored);
		assertThat(audit.body()).doesNotContain("\u001b").doesNotContain("\u009b");
	}

	@Test
	void aHostileSubjectBesideTheBootstrapTokenIsEscapedToo() throws Exception {
		// The name AdminTokenAuthentication gives a bootstrap-token request whose bearer
		// token
		// has a hostile subject.
		TestAuthentication.signIn(Map.of("sub", "admin-token (with token of \u001b[2Jx)"));
		String id = unique("actor-token");
		send(post("/admin/tenants").contentType("application/json")
			.content("{\"id\":\"" + id + "\",\"displayName\":\"Actor test\"}")).assertStatus(201);
		assertThat(this.registry.audit(TenantId.of(id))).singleElement()
			.satisfies((entry) -> assertThat(entry.actor()).isEqualTo("admin-token (with token of \\u001B[2Jx)"));
	}

	@Test
	void anOverlongHostileSubjectIsCutAfterEscapingAndNeverSplitsACharacter() throws Exception {
		TestAuthentication.signIn(Map.of("sub", "\u0000".repeat(100)), "SCOPE_tenancy.admin");
		String nuls = unique("actor-long");
		send(post("/admin/tenants").contentType("application/json")
			.content("{\"id\":\"" + nuls + "\",\"displayName\":\"Actor test\"}")).assertStatus(201);
		String actor = this.registry.audit(TenantId.of(nuls)).get(0).actor();
		assertThat(actor).hasSize(200).startsWith("\\u0000\\u0000");
		assertThat(actor.chars()).noneMatch((c) -> c < 0x20);

		TestAuthentication.signIn(Map.of("sub", "a" + "🚀".repeat(150)), "SCOPE_tenancy.admin");
		String rockets = unique("actor-long");
		send(post("/admin/tenants").contentType("application/json")
			.content("{\"id\":\"" + rockets + "\",\"displayName\":\"Actor test\"}")).assertStatus(201);
		assertThat(this.registry.audit(TenantId.of(rockets)).get(0).actor()).isEqualTo("a" + "🚀".repeat(99));
	}

	// --- DELETE needs If-Match

	@Test
	void deleteNeedsIfMatchAndTheCurrentVersion() throws Exception {
		String id = createFull("delete");
		send(post("/admin/tenants/" + id + "/suspend")).assertStatus(200);

		send(delete("/admin/tenants/" + id)).assertProblem(428, "precondition_required", null);
		send(delete("/admin/tenants/" + id).header("If-Match", "*")).assertProblem(400, "invalid_request", null);
		send(delete("/admin/tenants/" + id).header("If-Match", "\"not-a-version\"")).assertProblem(400,
				"invalid_request", null);
		Answer stale = send(delete("/admin/tenants/" + id).header("If-Match", "\"0\""));
		stale.assertProblem(409, "version_conflict", null);
		assertThat(stale.response().getHeader("ETag")).isEqualTo("\"1\"");
		assertThat(this.registry.find(TenantId.of(id)).orElseThrow().status()).isEqualTo(TenantStatus.SUSPENDED);

		send(delete("/admin/tenants/" + id).header("If-Match", "\"1\"")).assertStatus(204);
		// soft: the row, its configuration and its audit stay; the id is never reused
		Tenant deleted = this.registry.find(TenantId.of(id)).orElseThrow();
		assertThat(deleted.status()).isEqualTo(TenantStatus.DELETED);
		assertThat(deleted.config()).isEqualTo(TenantConfigJson.parse(fullConfig(id)));
		assertThat(this.registry.audit(TenantId.of(id))).extracting("action")
			.containsExactly("created", "suspended", "deleted");
		send(delete("/admin/tenants/" + id).header("If-Match", "\"2\"")).assertProblem(404, "tenant_not_found", null);
		send(get("/admin/tenants/" + id)).assertStatus(200);
		send(post("/admin/tenants").contentType("application/json")
			.content("{\"id\":\"" + id + "\",\"displayName\":\"Again\"}")).assertProblem(409, "tenant_exists", null);
	}

	@Test
	void deleteOfAnUnknownOrMalformedIdWithoutIfMatch() throws Exception {
		send(delete("/admin/tenants/nobody-" + UUID.randomUUID().toString().substring(0, 8))).assertProblem(428,
				"precondition_required", null);
		send(delete("/admin/tenants/nobody-x").header("If-Match", "\"0\"")).assertProblem(404, "tenant_not_found",
				null);
		send(delete("/admin/tenants/NOT_AN_ID")).assertProblem(404, "tenant_not_found", null);
	}

	// --- helpers

	private String createFull(String name) throws Exception {
		String id = unique(name);
		send(post("/admin/tenants").contentType("application/json")
			.content("{\"id\":\"" + id + "\",\"displayName\":\"Acme Travel\",\"config\":" + fullConfig(id) + "}"))
			.assertStatus(201);
		return id;
	}

	private static String unique(String name) {
		return name + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private static String etag(long version) {
		return "\"" + version + "\"";
	}

	private static MockHttpServletRequestBuilder mergePatch(String id, String ifMatch, String body) {
		return patch("/admin/tenants/" + id).header("If-Match", ifMatch)
			.contentType(TenantAdminController.MERGE_PATCH_JSON)
			.characterEncoding(StandardCharsets.UTF_8)
			.content(body.getBytes(StandardCharsets.UTF_8));
	}

	// --- one validator: the same violations as tenant files and tenancy.tenants.*
	// properties

	@Test
	void everyInvalidValueIsListedWithThePathAndTheExpectedForm() throws Exception {
		String id = unique("violations");
		String config = "{\"plann\":\"gold\",\"rateLimit\":{\"limit\":5,\"window\":\"60\",\"burst\":2},"
				+ "\"locale\":\"english\",\"emailDomains\":[\"NOT_A_DOMAIN\"]}";
		Answer answer = send(post("/admin/tenants").contentType("application/json")
			.content("{\"id\":\"" + id + "\",\"displayName\":\"Acme\",\"config\":" + config + "}"));
		answer.assertProblem(400, "invalid_request", "config.plann");
		JsonNode problem = answer.json();
		assertThat(problem.path("type").asString()).isEqualTo("urn:problem-type:tenancy:invalid_request");
		Map<String, String> violations = new java.util.LinkedHashMap<>();
		problem.path("violations")
			.forEach((v) -> violations.put(v.path("path").asString(), v.path("message").asString()));
		assertThat(violations).containsExactly(
				Map.entry("config.plann",
						"unknown key (expected plan, rateLimit, features, emailDomains, locale, attributes)"),
				Map.entry("config.rateLimit.window", "must be " + TenantConfigJson.DURATION_FORM),
				Map.entry("config.rateLimit.burst",
						"must be a whole number not less than the limit (the bucket's capacity; the limit when unset)"),
				Map.entry("config.emailDomains[0]", "must be a lower-case domain name such as acme-travel.example"),
				Map.entry("config.locale", "must be an IETF language tag such as en-GB"));
		assertThat(exists(id)).isFalse();

		// tenancy.tenants.<id>.config.* gets the very same messages, under its property
		// names
		InvalidTenantConfigException properties = org.assertj.core.api.Assertions.catchThrowableOfType(
				InvalidTenantConfigException.class,
				() -> TenantConfigJson
					.fromProperties(Map.of("rate-limit", Map.of("limit", "5", "window", "60", "burst", "2"), "locale",
							"english", "email-domains", "NOT_A_DOMAIN"), "tenancy.tenants.acme.config"));
		Map<String, String> fromProperties = new java.util.LinkedHashMap<>();
		properties.violations().forEach((v) -> fromProperties.put(v.path(), v.message()));
		assertThat(fromProperties)
			.containsEntry("tenancy.tenants.acme.config.rate-limit.window", violations.get("config.rateLimit.window"))
			.containsEntry("tenancy.tenants.acme.config.rate-limit.burst", violations.get("config.rateLimit.burst"))
			.containsEntry("tenancy.tenants.acme.config.locale", violations.get("config.locale"))
			.containsEntry("tenancy.tenants.acme.config.email-domains[0]", violations.get("config.emailDomains[0]"));
	}

	@Test
	void durationsAreAcceptedAs1mAndPT1M() throws Exception {
		for (String window : List.of("1m", "PT1M")) {
			String id = unique("window");
			Answer answer = send(post("/admin/tenants").contentType("application/json")
				.content("{\"id\":\"" + id + "\",\"displayName\":\"Acme\",\"config\":{\"rateLimit\":"
						+ "{\"limit\":5,\"window\":\"" + window + "\"}}}"));
			answer.assertStatus(201);
			assertThat(answer.json().path("config").path("rateLimit").path("window").asString()).isEqualTo("PT1M");
		}
	}

	private boolean exists(String id) {
		return jdbc.sql("select count(*) from " + schema + ".tenant where id = ?")
			.param(id)
			.query(Long.class)
			.single() > 0;
	}

	private Answer send(MockHttpServletRequestBuilder request) throws Exception {
		request.characterEncoding(StandardCharsets.UTF_8);
		return new Answer(this.mvc.perform(request).andReturn().getResponse());
	}

	record Answer(MockHttpServletResponse response) {

		int status() {
			return this.response.getStatus();
		}

		String body() {
			try {
				return this.response.getContentAsString(StandardCharsets.UTF_8);
			}
			catch (java.io.UnsupportedEncodingException ex) {
				throw new IllegalStateException(ex);
			}
		}

		JsonNode json() {
			return JSON.readTree(body());
		}

		void assertStatus(int status) {
			assertThat(status()).as(body()).isEqualTo(status);
		}

		/**
		 * A problem with this status and code, naming the field when given, echoing
		 * nothing.
		 */
		void assertProblem(int status, String code, String field) {
			assertStatus(status);
			assertThat(this.response.getContentType()).startsWith("application/problem+json");
			JsonNode problem = json();
			assertThat(problem.path("code").asString()).as(body()).isEqualTo(code);
			if (field != null) {
				assertThat(problem.path("path").asString()).as(body()).isEqualTo(field);
			}
			assertThat(body()).doesNotContain(MARK);
			assertThat(body().chars()).as(body()).noneMatch((c) -> c < 0x20 || (c >= 0x7f && c <= 0x9f));
		}

	}

}
