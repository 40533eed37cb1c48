package dev.tenancy.sample;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and careless input on the admin API over real HTTP, as an operator or an
 * attacker with an admin token would send it: reserved tenant ids, a PUT that forgets
 * {@code config} (it used to wipe the rate limit), JSON Merge Patch,
 * NUL/bidi/zero-width/C1 characters in every stored text (they used to give 500), a token
 * subject with NUL or an ANSI escape as the audit actor, and DELETE without, with a stale
 * and with the right If-Match (and what becomes of the tenant's trips).
 */
@LocalAppTest
class AdminApiInputTest {

	private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private static final String MARK = "EVILxq";

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	Api api() {
		return new Api(this.port);
	}

	String ops() {
		return Api.bearer(api().token("ops-client"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "changes", "admin", "tenants", "audit", "null", "www", "api", "actuator", "oauth2",
			"login", "logout", "well-known", "health", "undefined", "default", "system", "localhost", "xn--p1ai" })
	void aReservedIdIsRefusedWith400(String id) throws Exception {
		HttpResponse<String> created = send("POST", "/admin/tenants", "application/json",
				"{\"id\":\"" + id + "\",\"displayName\":\"Squatter\"}", ops(), null);

		assertProblem(created, 400, "invalid_request", "id");
		assertThat(api().get("/admin/tenants/" + id, "Authorization", ops()).statusCode()).isEqualTo(404);
	}

	@Test
	void aPutWithoutConfigIsRefusedAndTheRateLimitStays() throws Exception {
		String id = create("put-nocfg");
		String tenant = Api.bearer(LocalTokens.forTenant(this.context, id));
		assertThat(rateLimitPolicy(tenant)).contains("q=321");

		HttpResponse<String> put = send("PUT", "/admin/tenants/" + id, "application/json",
				"{\"displayName\":\"Renamed only\"}", ops(), "\"0\"");
		assertProblem(put, 400, "invalid_request", "config");
		assertProblem(send("PUT", "/admin/tenants/" + id, "application/json", "{\"config\":{}}", ops(), "\"0\""), 400,
				"invalid_request", "displayName");

		JsonNode stored = Api.json(api().get("/admin/tenants/" + id, "Authorization", ops()));
		assertThat(stored.path("version").asLong()).isZero();
		assertThat(stored.path("config").path("rateLimit").path("limit").asLong()).isEqualTo(321);
		assertThat(rateLimitPolicy(tenant)).contains("q=321");
	}

	@Test
	void aMergePatchRenamesWithoutTouchingTheConfiguration() throws Exception {
		String id = create("patch");
		String tenant = Api.bearer(LocalTokens.forTenant(this.context, id));

		HttpResponse<String> patched = send("PATCH", "/admin/tenants/" + id, "application/merge-patch+json",
				"{\"displayName\":\"Renamed only\"}", ops(), "\"0\"");
		assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
		assertThat(patched.headers().firstValue("ETag")).hasValue("\"1\"");
		assertThat(Api.json(patched).path("displayName").asString()).isEqualTo("Renamed only");
		assertThat(Api.json(patched).path("config").path("rateLimit").path("limit").asLong()).isEqualTo(321);
		assertThat(Api.json(patched).path("config").path("features").get(0).asString()).isEqualTo("trips");
		assertThat(rateLimitPolicy(tenant)).contains("q=321");

		HttpResponse<String> limit = send("PATCH", "/admin/tenants/" + id, "application/merge-patch+json",
				"{\"config\":{\"rateLimit\":{\"limit\":400,\"burst\":400}}}", ops(), "\"1\"");
		assertThat(limit.statusCode()).as(limit.body()).isEqualTo(200);
		assertThat(Api.json(limit).path("config").path("rateLimit").path("window").asString()).isEqualTo("PT1M");

		assertProblem(send("PATCH", "/admin/tenants/" + id, "application/merge-patch+json", "{\"displayName\":null}",
				ops(), "\"2\""), 400, "invalid_request", "displayName");
		assertProblem(
				send("PATCH", "/admin/tenants/" + id, "application/merge-patch+json",
						"{\"config\":{\"rateLimit\":{\"limit\":null}}}", ops(), "\"2\""),
				400, "invalid_request", "config.rateLimit.limit");
		assertProblem(
				send("PATCH", "/admin/tenants/" + id, "application/merge-patch+json",
						"{\"displayName\":\"" + "x".repeat(201) + "\"}", ops(), "\"2\""),
				400, "invalid_request", "displayName");
		assertProblem(send("PATCH", "/admin/tenants/" + id, "application/merge-patch+json",
				"{\"displayName\":\"Blind\"}", ops(), null), 428, "precondition_required", null);
		assertProblem(send("PATCH", "/admin/tenants/" + id, "application/merge-patch+json",
				"{\"displayName\":\"Lost\"}", ops(), "\"1\""), 409, "version_conflict", null);
		assertThat(send("PATCH", "/admin/tenants/" + id, "application/json", "{\"displayName\":\"Plain JSON\"}", ops(),
				"\"2\"")
			.statusCode()).isEqualTo(415);

		JsonNode stored = Api.json(api().get("/admin/tenants/" + id, "Authorization", ops()));
		assertThat(stored.path("version").asLong()).isEqualTo(2);
		assertThat(stored.path("displayName").asString()).isEqualTo("Renamed only");
	}

	/**
	 * Characters as JSON text: escaped ({@code \}{@code u0000}) or raw UTF-8 in the body.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "\\u0000", "\\u001b[31m", "\\u009b", "\\u007f", "\u202e", "\u2066", "\u200b", "\ufeff",
			"\\ud800" })
	void aForbiddenCharacterInAnyTextIsA400NamingTheField(String character) throws Exception {
		String text = MARK + character + MARK;
		String[][] cases = { { "{\"displayName\":\"" + text + "\",\"config\":{}}", "displayName" },
				{ "{\"displayName\":\"Ok\",\"config\":{\"plan\":\"" + text + "\"}}", "config.plan" },
				{ "{\"displayName\":\"Ok\",\"config\":{\"features\":[\"trips\",\"" + text + "\"]}}",
						"config.features[1]" },
				{ "{\"displayName\":\"Ok\",\"config\":{\"attributes\":{\"" + text + "\":\"v\"}}}",
						"config.attributes" },
				{ "{\"displayName\":\"Ok\",\"config\":{\"attributes\":{\"tagline\":\"" + text + "\"}}}",
						"config.attributes.tagline" } };
		String existing = create("chars");
		for (String[] c : cases) {
			String id = "chars-new-" + UUID.randomUUID().toString().substring(0, 8);
			String createBody = "{\"id\":\"" + id + "\"," + c[0].substring(1);
			assertProblem(send("POST", "/admin/tenants", "application/json", createBody, ops(), null), 400,
					"invalid_request", c[1]);
			assertThat(api().get("/admin/tenants/" + id, "Authorization", ops()).statusCode()).isEqualTo(404);
			assertProblem(send("PUT", "/admin/tenants/" + existing, "application/json", c[0], ops(), "\"0\""), 400,
					"invalid_request", c[1]);
			assertProblem(
					send("PATCH", "/admin/tenants/" + existing, "application/merge-patch+json", c[0], ops(), "\"0\""),
					400, "invalid_request", c[1]);
		}
		assertThat(Api.json(api().get("/admin/tenants/" + existing, "Authorization", ops())).path("version").asLong())
			.isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "nul\u0000admin", "\u001b[31mred-admin\u001b[0m\u001b]0;title\u0007", "rlo\u202eadmin" })
	void aHostileTokenSubjectIsStoredEscapedInTheAudit(String subject) throws Exception {
		String token = Api.bearer(LocalTokens.admin(this.context, subject));
		String id = "actor-" + UUID.randomUUID().toString().substring(0, 8);

		HttpResponse<String> created = send("POST", "/admin/tenants", "application/json",
				"{\"id\":\"" + id + "\",\"displayName\":\"Actor\"}", token, null);
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

		String actor = ownerString("select actor from tenancy.tenant_audit where tenant_id = ?", id);
		assertThat(actor).startsWith(subject.substring(0, 3).replace("\u001b", "\\u001B"));
		assertThat(actor.chars()).noneMatch((c) -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x202e);
		HttpResponse<byte[]> audit = api().getBytes("/admin/tenants/" + id + "/audit", "Authorization", token);
		assertThat(audit.statusCode()).isEqualTo(200);
		String raw = new String(audit.body(), StandardCharsets.UTF_8);
		assertThat(raw.chars()).noneMatch((c) -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x202e);
		assertThat(Api.json(raw).get(0).path("actor").asString()).isEqualTo(actor);
	}

	@Test
	void deleteNeedsTheCurrentIfMatchAndKeepsTheTripsUnreachable() throws Exception {
		String id = create("delete");
		String tenant = Api.bearer(LocalTokens.forTenant(this.context, id));
		HttpResponse<String> trip = api().postJson("/api/trips", """
				{"name":"Last trip","destination":"Oslo","startDate":"2031-01-01","endDate":"2031-01-05"}""",
				"Authorization", tenant);
		assertThat(trip.statusCode()).as(trip.body()).isIn(200, 201);
		String tripId = Api.json(trip).path("id").asString();

		assertProblem(send("DELETE", "/admin/tenants/" + id, null, null, ops(), null), 428, "precondition_required",
				null);
		assertProblem(send("DELETE", "/admin/tenants/" + id, null, null, ops(), "*"), 400, "invalid_request", null);
		HttpResponse<String> stale = send("DELETE", "/admin/tenants/" + id, null, null, ops(), "\"7\"");
		assertProblem(stale, 409, "version_conflict", null);
		assertThat(stale.headers().firstValue("ETag")).hasValue("\"0\"");
		assertThat(api().get("/api/trips/" + tripId, "Authorization", tenant).statusCode()).isEqualTo(200);

		HttpResponse<String> deleted = send("DELETE", "/admin/tenants/" + id, null, null, ops(), "\"0\"");
		assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);

		// the tenant is refused like any unknown one; its rows stay, under row-level
		// security
		assertThat(Api.code(api().get("/api/trips/" + tripId, "Authorization", tenant))).isEqualTo("tenant_forbidden");
		assertThat(ownerString("select count(*)::text from travel.trip where tenant_id = ?", id)).isEqualTo("1");
		assertThat(ownerString("select status from tenancy.tenant where id = ?", id)).isEqualTo("DELETED");
		assertThat(Api.json(api().get("/admin/tenants/" + id + "/audit", "Authorization", ops())))
			.extracting((entry) -> entry.path("action").asString())
			.containsExactly("created", "deleted");
	}

	// --- helpers

	private String create(String name) throws Exception {
		String id = name + "-" + UUID.randomUUID().toString().substring(0, 8);
		HttpResponse<String> created = send("POST", "/admin/tenants", "application/json", """
				{"id":"%s","displayName":"Input Voyages","config":{"plan":"standard","features":["trips"],
				 "rateLimit":{"limit":321,"window":"PT1M"},"attributes":{"brandColour":"#0a5"}}}""".formatted(id),
				ops(), null);
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		return id;
	}

	private String rateLimitPolicy(String tenantToken) {
		HttpResponse<String> response = api().get("/api/tenant", "Authorization", tenantToken);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return response.headers().firstValue("RateLimit-Policy").orElse("");
	}

	private static void assertProblem(HttpResponse<String> response, int status, String code, String field) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode problem = Api.json(response);
		assertThat(problem.path("code").asString()).isEqualTo(code);
		if (field != null) {
			assertThat(problem.path("path").asString()).as(response.body()).isEqualTo(field);
		}
		assertThat(response.body()).doesNotContain(MARK);
	}

	private static String ownerString(String sql, String parameter) throws SQLException {
		try (Connection connection = TestDatabase.connectAsOwner();
				PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setString(1, parameter);
			try (ResultSet rows = statement.executeQuery()) {
				assertThat(rows.next()).isTrue();
				return rows.getString(1);
			}
		}
	}

	private HttpResponse<String> send(String method, String path, String contentType, String body, String authorization,
			String ifMatch) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(api().uri(path))
			.timeout(Duration.ofSeconds(30))
			.header("Authorization", authorization)
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)
					: HttpRequest.BodyPublishers.noBody());
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		if (ifMatch != null) {
			request.header("If-Match", ifMatch);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
	}

}
