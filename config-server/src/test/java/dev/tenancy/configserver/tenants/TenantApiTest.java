package dev.tenancy.configserver.tenants;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.jdbc.JdbcTenantRegistry;
import dev.tenancy.registry.remote.ConfigServerConnection;
import dev.tenancy.registry.remote.ConfigServerTenantRegistry;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tenant API and the hosted admin API over a real port, against the real PostgreSQL
 * registry (this JVM's test database).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "tenancy.config-server.clients.sample-app.password={noop}sample-secret",
				"tenancy.admin.token=test-admin-token-0123456789" })
class TenantApiTest {

	private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String CLIENT_AUTH = "Basic "
			+ Base64.getEncoder().encodeToString("sample-app:sample-secret".getBytes(StandardCharsets.UTF_8));

	private static final TenantChange BY_TEST = new TenantChange("test", null);

	@LocalServerPort
	int port;

	@Autowired
	JdbcTenantRegistry registry;

	private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		for (int i = 0; i < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String path, String... headers) throws Exception {
		List<String> all = new ArrayList<>(List.of("Authorization", CLIENT_AUTH));
		all.addAll(List.of(headers));
		return send("GET", path, null, all.toArray(String[]::new));
	}

	private static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

	private Tenant create(String id, TenantConfig config) {
		return registry.create(TenantId.of(id), "Tenant " + id, config, BY_TEST);
	}

	private static TenantConfig config(String plan, TenantConfig.RateLimit rateLimit, List<String> features,
			String locale) {
		return new TenantConfig(plan, rateLimit, features, List.of(), locale, Map.of());
	}

	@Test
	void servesTheTenantWithItsVersionAsETagAnd304WhenUnchanged() throws Exception {
		create("etag-corp", config(null, null, null, "fr-FR"));

		HttpResponse<String> first = get("/tenants/etag-corp");
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(first.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
		assertThat(first.headers().firstValue("ETag")).hasValue("\"0\"");
		JsonNode body = json(first);
		assertThat(body.propertyNames()).containsExactly("id", "displayName", "status", "version", "config");
		assertThat(body.path("id").asString()).isEqualTo("etag-corp");
		assertThat(body.path("displayName").asString()).isEqualTo("Tenant etag-corp");
		assertThat(body.path("status").asString()).isEqualTo("ACTIVE");
		assertThat(body.path("version").asLong()).isZero();
		assertThat(body.path("config").path("locale").asString()).isEqualTo("fr-FR");
		assertThat(body.path("config").path("plan").asString()).isEqualTo("standard");

		HttpResponse<String> unchanged = get("/tenants/etag-corp", "If-None-Match", "\"0\"");
		assertThat(unchanged.statusCode()).isEqualTo(304);
		assertThat(unchanged.body()).isEmpty();
		assertThat(unchanged.headers().firstValue("ETag")).hasValue("\"0\"");

		registry.update(TenantId.of("etag-corp"), 0, null, config(null, null, null, "de-DE"), BY_TEST);
		HttpResponse<String> changed = get("/tenants/etag-corp", "If-None-Match", "\"0\"");
		assertThat(changed.statusCode()).isEqualTo(200);
		assertThat(changed.headers().firstValue("ETag")).hasValue("\"1\"");
		assertThat(json(changed).path("config").path("locale").asString()).isEqualTo("de-DE");
		assertThat(get("/tenants/etag-corp", "If-None-Match", "\"1\"").statusCode()).isEqualTo(304);
	}

	@Test
	void effectiveConfigIsDefaultsThenPlanThenTenantAndProtectedKeysCannotBeOverridden() throws Exception {
		TenantConfig.RateLimit greedy = new TenantConfig.RateLimit(999_999, Duration.ofSeconds(1), 0,
				new TenantConfig.UserLimit(999_999, Duration.ofSeconds(1)), Map.of("helpdesk", 1L));
		create("greedy-corp", config("premium", greedy, List.of("everything"), "en-US"));

		JsonNode config = json(get("/tenants/greedy-corp")).path("config");

		assertThat(config.path("plan").asString()).isEqualTo("premium");
		assertThat(config.path("locale").asString()).isEqualTo("en-US"); // not protected:
																			// the
																			// tenant's
																			// own
		// protected: from the premium plan over the defaults, never the tenant's own
		// values
		assertThat(config.path("rateLimit").path("limit").asLong()).isEqualTo(5000);
		assertThat(config.path("rateLimit").path("window").asString()).isEqualTo("PT1M");
		assertThat(config.path("rateLimit").path("perUser").path("limit").asLong()).isEqualTo(500);
		assertThat(config.path("rateLimit").path("costs").isMissingNode()
				|| config.path("rateLimit").path("costs").isEmpty())
			.isTrue();
		assertThat(config.path("features").valueStream().map(JsonNode::asString)).containsExactly("trips", "helpdesk");
		assertThat(config.toString()).doesNotContain("999999", "everything");
	}

	@Test
	void defaultsApplyWhenTheTenantSetsNothing() throws Exception {
		create("plain-corp", TenantConfig.empty());

		JsonNode config = json(get("/tenants/plain-corp")).path("config");

		assertThat(config.path("plan").asString()).isEqualTo("standard");
		assertThat(config.path("locale").asString()).isEqualTo("en-GB");
		assertThat(config.path("rateLimit").path("limit").asLong()).isEqualTo(1000);
		assertThat(config.path("rateLimit").path("perUser").path("limit").asLong()).isEqualTo(100);
		assertThat(config.path("features").valueStream().map(JsonNode::asString)).containsExactly("trips");
	}

	@Test
	void unknownDeletedAndMalformedTenantsGetTheSameNotFound() throws Exception {
		create("gone-corp", TenantConfig.empty());
		registry.changeStatus(TenantId.of("gone-corp"), TenantStatus.DELETED, null, BY_TEST);

		HttpResponse<String> unknown = get("/tenants/never-existed");
		HttpResponse<String> deleted = get("/tenants/gone-corp");
		HttpResponse<String> malformed = get("/tenants/Not_A-Tenant");
		HttpResponse<String> tooLong = get("/tenants/" + "a".repeat(64));
		HttpResponse<String> deletedWithEtag = get("/tenants/gone-corp", "If-None-Match", "\"1\"");

		for (HttpResponse<String> response : List.of(unknown, deleted, malformed, tooLong, deletedWithEtag)) {
			assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(404);
			assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(response.headers().firstValue("ETag")).isEmpty();
			assertThat(response.body()).isEqualTo(unknown.body());
		}
		assertThat(json(unknown).path("code").asString()).isEqualTo("tenant_not_found");
		assertThat(json(unknown).path("type").asString()).isEqualTo("urn:problem-type:tenancy:tenant_not_found");
		assertThat(unknown.body()).doesNotContain("never-existed");
	}

	@Test
	void suspendedTenantsAreServedWithTheirStatus() throws Exception {
		create("paused-corp", TenantConfig.empty());
		registry.changeStatus(TenantId.of("paused-corp"), TenantStatus.SUSPENDED, 0L, BY_TEST);

		HttpResponse<String> response = get("/tenants/paused-corp");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json(response).path("status").asString()).isEqualTo("SUSPENDED");
		assertThat(response.headers().firstValue("ETag")).hasValue("\"1\"");
	}

	@Test
	void aTenantIsFoundByItsEmailDomainHereAndThroughTheRemoteRegistry() throws Exception {
		registry.create(TenantId.of("mail-corp"), "Mail Corp",
				new TenantConfig(null, null, null, List.of("mail-corp.example"), null, Map.of()), BY_TEST);
		registry.changeStatus(TenantId.of("mail-corp"), TenantStatus.SUSPENDED, 0L, BY_TEST);

		HttpResponse<String> found = get("/tenants/by-email-domain/MAIL-corp.example");
		HttpResponse<String> unknown = get("/tenants/by-email-domain/nobody.example");
		HttpResponse<String> malformed = get("/tenants/by-email-domain/not_a_domain");
		HttpResponse<String> anonymous = send("GET", "/tenants/by-email-domain/mail-corp.example", null);

		assertThat(found.statusCode()).isEqualTo(200);
		assertThat(json(found).path("id").asString()).isEqualTo("mail-corp");
		assertThat(json(found).path("status").asString()).isEqualTo("SUSPENDED");
		assertThat(unknown.statusCode()).isEqualTo(404);
		assertThat(malformed.body()).isEqualTo(unknown.body());
		assertThat(json(unknown).path("code").asString()).isEqualTo("tenant_not_found");
		assertThat(anonymous.statusCode()).isEqualTo(401);

		ConfigServerTenantRegistry remote = new ConfigServerTenantRegistry(
				new ConfigServerConnection(URI.create("http://localhost:" + port), "sample-app", "sample-secret",
						Duration.ofSeconds(5), Duration.ofSeconds(10)),
				10);
		assertThat(remote.findByEmailDomain("mail-corp.example.")).hasValueSatisfying((tenant) -> {
			assertThat(tenant.id().value()).isEqualTo("mail-corp");
			assertThat(tenant.status()).isEqualTo(TenantStatus.SUSPENDED);
		});
		assertThat(remote.findByEmailDomain("nobody.example")).isEmpty();
		assertThat(remote.findByEmailDomain("not a domain")).isEmpty();
	}

	@Test
	void changesFeedListsExactlyTheChangesAfterACursor() throws Exception {
		create("before-corp", TenantConfig.empty());
		long start = json(get("/tenants/changes/latest")).path("cursor").asLong();
		assertThat(start).isPositive();

		create("feed-corp", TenantConfig.empty());
		registry.changeStatus(TenantId.of("feed-corp"), TenantStatus.SUSPENDED, 0L, BY_TEST);
		registry.changeStatus(TenantId.of("feed-corp"), TenantStatus.ACTIVE, 1L, BY_TEST);

		HttpResponse<String> response = get("/tenants/changes?after=" + start);
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode feed = json(response);
		List<JsonNode> changes = feed.path("changes").valueStream().toList();
		assertThat(changes).hasSize(3);
		assertThat(changes).extracting((change) -> change.path("tenant").asString()).containsOnly("feed-corp");
		assertThat(changes).extracting((change) -> change.path("action").asString())
			.containsExactly("created", "suspended", "resumed");
		assertThat(changes).extracting((change) -> change.path("version").asLong()).containsExactly(0L, 1L, 2L);
		assertThat(changes).extracting((change) -> change.path("cursor").asLong())
			.isSorted()
			.allSatisfy((cursor) -> assertThat(cursor).isGreaterThan(start));
		assertThat(changes.get(0).propertyNames()).containsExactly("cursor", "tenant", "action", "version");
		long last = changes.get(2).path("cursor").asLong();
		assertThat(feed.path("cursor").asLong()).isEqualTo(last);
		assertThat(json(get("/tenants/changes/latest")).path("cursor").asLong()).isGreaterThanOrEqualTo(last);

		JsonNode limited = json(get("/tenants/changes?after=" + start + "&limit=2"));
		assertThat(limited.path("changes")).hasSize(2);
		assertThat(limited.path("cursor").asLong()).isEqualTo(changes.get(1).path("cursor").asLong());

		JsonNode rest = json(get("/tenants/changes?after=" + limited.path("cursor").asLong()));
		assertThat(rest.path("changes").valueStream().map((change) -> change.path("cursor").asLong())).startsWith(last);

		JsonNode nothing = json(get("/tenants/changes?after=" + 1_000_000_000_000L));
		assertThat(nothing.path("changes")).isEmpty();
		assertThat(nothing.path("cursor").asLong()).isEqualTo(1_000_000_000_000L);
	}

	@Test
	void changesFeedRejectsBadParameters() throws Exception {
		assertThat(get("/tenants/changes?after=-1").statusCode()).isEqualTo(400);
		assertThat(get("/tenants/changes?after=abc").statusCode()).isEqualTo(400);
		assertThat(get("/tenants/changes?limit=0").statusCode()).isEqualTo(400);
		// the catalogue's problem shape, as the admin API and applications answer
		JsonNode problem = json(get("/tenants/changes?after=abc"));
		assertThat(problem.path("type").asString()).isEqualTo("urn:problem-type:tenancy:invalid_request");
		assertThat(problem.path("code").asString()).isEqualTo("invalid_request");
		assertThat(problem.path("violations").get(0).path("path").asString()).isEqualTo("after");
		assertThat(problem.path("violations").get(0).path("message").asString())
			.isEqualTo("must be a whole number of 0 or more");
		assertThat(problem.toString()).doesNotContain("abc");
		assertThat(get("/tenants/changes?limit=100000").statusCode()).isEqualTo(200);
	}

	@Test
	void tenantApiNeedsAClient() throws Exception {
		create("private-corp", TenantConfig.empty());

		for (String path : List.of("/tenants/private-corp", "/tenants/changes", "/tenants/changes/latest")) {
			HttpResponse<String> response = send("GET", path, null);
			assertThat(response.statusCode()).as(path).isEqualTo(401);
			assertThat(response.body()).doesNotContain("displayName", "\"config\"", "\"cursor\"");
		}
		assertThat(send("GET", "/tenants/private-corp", null, "Authorization",
				"Basic " + Base64.getEncoder().encodeToString("sample-app:wrong".getBytes(StandardCharsets.UTF_8)))
			.statusCode()).isEqualTo(401);
	}

	@Test
	void adminApiIsHostedBehindTheAdminGuard() throws Exception {
		String body = "{\"id\":\"admin-made\",\"displayName\":\"Made by admin\",\"config\":{\"locale\":\"it-IT\"}}";

		HttpResponse<String> anonymous = send("POST", "/admin/tenants", body, "Content-Type", "application/json");
		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(anonymous.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(json(anonymous).path("code").asString()).isEqualTo("unauthorized");
		HttpResponse<String> wrong = send("POST", "/admin/tenants", body, "Content-Type", "application/json",
				"X-Admin-Token", "wrong");
		assertThat(wrong.statusCode()).isEqualTo(403);
		assertThat(json(wrong).path("code").asString()).isEqualTo("forbidden");
		// a config client is authenticated, but not an admin
		HttpResponse<String> client = send("POST", "/admin/tenants", body, "Content-Type", "application/json",
				"Authorization", CLIENT_AUTH);
		assertThat(client.statusCode()).isEqualTo(403);
		assertThat(json(client).path("code").asString()).isEqualTo("forbidden");

		HttpResponse<String> created = send("POST", "/admin/tenants", body, "Content-Type", "application/json",
				"X-Admin-Token", "test-admin-token-0123456789");
		assertThat(created.statusCode()).isEqualTo(201);

		HttpResponse<String> suspended = send("POST", "/admin/tenants/admin-made/suspend", null, "X-Admin-Token",
				"test-admin-token-0123456789");
		assertThat(suspended.statusCode()).isEqualTo(200);

		HttpResponse<String> served = get("/tenants/admin-made");
		assertThat(served.statusCode()).isEqualTo(200);
		assertThat(json(served).path("status").asString()).isEqualTo("SUSPENDED");
		assertThat(json(served).path("config").path("locale").asString()).isEqualTo("it-IT");
	}

	@Test
	void hostedAdminApiRefusesBadInputLikeTheStartersOwn() throws Exception {
		String[] admin = { "Content-Type", "application/json", "X-Admin-Token", "test-admin-token-0123456789" };
		String[] token = { "X-Admin-Token", "test-admin-token-0123456789" };

		// a reserved id (the changes feed's own path) and a NUL in a text: 400 naming the
		// field
		HttpResponse<String> reserved = send("POST", "/admin/tenants",
				"{\"id\":\"changes\",\"displayName\":\"Feed squatter\"}", admin);
		assertThat(reserved.statusCode()).isEqualTo(400);
		assertThat(json(reserved).path("path").asString()).isEqualTo("id");
		HttpResponse<String> nul = send("POST", "/admin/tenants",
				"{\"id\":\"nul-corp\",\"displayName\":\"Nul\\u0000Corp\"}", admin);
		assertThat(nul.statusCode()).isEqualTo(400);
		assertThat(json(nul).path("path").asString()).isEqualTo("displayName");
		assertThat(registry.find(TenantId.of("nul-corp"))).isEmpty();

		assertThat(send("POST", "/admin/tenants", """
				{"id":"input-corp","displayName":"Input Corp","config":{"locale":"it-IT",
				 "rateLimit":{"limit":10,"window":"PT1M"}}}""", admin).statusCode()).isEqualTo(201);
		// a PUT without config is refused, not a wipe; a merge patch changes only what it
		// names
		HttpResponse<String> put = send("PUT", "/admin/tenants/input-corp", "{\"displayName\":\"Renamed\"}",
				"Content-Type", "application/json", "If-Match", "\"0\"", token[0], token[1]);
		assertThat(put.statusCode()).isEqualTo(400);
		assertThat(json(put).path("path").asString()).isEqualTo("config");
		HttpResponse<String> patched = send("PATCH", "/admin/tenants/input-corp", "{\"displayName\":\"Renamed\"}",
				"Content-Type", "application/merge-patch+json", "If-Match", "\"0\"", token[0], token[1]);
		assertThat(patched.statusCode()).isEqualTo(200);
		assertThat(registry.find(TenantId.of("input-corp")).orElseThrow().config().rateLimit().limit()).isEqualTo(10);

		// DELETE needs the current version
		HttpResponse<String> blind = send("DELETE", "/admin/tenants/input-corp", null, token);
		assertThat(blind.statusCode()).isEqualTo(428);
		assertThat(json(blind).path("code").asString()).isEqualTo("precondition_required");
		assertThat(
				send("DELETE", "/admin/tenants/input-corp", null, "If-Match", "\"0\"", token[0], token[1]).statusCode())
			.isEqualTo(409);
		assertThat(
				send("DELETE", "/admin/tenants/input-corp", null, "If-Match", "\"1\"", token[0], token[1]).statusCode())
			.isEqualTo(204);
		assertThat(registry.find(TenantId.of("input-corp")).orElseThrow().status()).isEqualTo(TenantStatus.DELETED);
	}

	@Test
	void otherAdminPathsAreNeverServedAsConfiguration() throws Exception {
		for (String path : List.of("/admin/default", "/admin/default/main", "/admin-default.yml")) {
			HttpResponse<String> response = send("GET", path, null, "Authorization", CLIENT_AUTH, "X-Admin-Token",
					"test-admin-token-0123456789");
			assertThat(response.statusCode()).as(path).isIn(401, 403, 404);
			assertThat(response.body()).as(path).doesNotContain("propertySources");
		}
	}

}
