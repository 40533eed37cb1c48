package dev.tenancy.sample;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.jdbc.JdbcTenantRegistry;
import dev.tenancy.registry.jdbc.PostgresChangeListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tenant admin API end to end over HTTP, with an admin token from the local issuer: a
 * tenant's whole life (create, read with ETag, update with If-Match, stale and missing
 * If-Match, suspend, resume, delete) and its audit trail. Every status change is seen by
 * ANOTHER instance of the app (its own cache and change listener, same database) on that
 * tenant's next request within 1 s.
 */
@LocalAppTest
class AdminApiEndToEndTest {

	private static final Logger logger = LoggerFactory.getLogger(AdminApiEndToEndTest.class);

	static final Duration PROPAGATION_LIMIT = Duration.ofSeconds(1);

	private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Autowired
	JdbcTenantRegistry registry;

	Api api() {
		return new Api(this.port);
	}

	String ops() {
		return Api.bearer(api().token("ops-client"));
	}

	@Test
	void aTenantsWholeLifeThroughTheAdminApiReachesAnotherInstanceWithinASecond() throws Exception {
		String id = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
		String run = UUID.randomUUID().toString().substring(0, 8);
		Api other = SecondInstance.api();
		assertThat(
				SecondInstance.context().getBean(PostgresChangeListener.class).awaitListening(Duration.ofSeconds(10)))
			.isTrue();
		String tokenHere = Api.bearer(LocalTokens.forTenant(this.context, id));
		String tokenThere = Api.bearer(LocalTokens.forTenant(SecondInstance.context(), id));

		// create
		HttpResponse<String> created = send("POST", "/admin/tenants", """
				{"id":"%s","displayName":"E2E Voyages","config":{"plan":"standard","features":["trips"],
				 "rateLimit":{"limit":200,"window":"PT1M"},"locale":"en-GB"}}""".formatted(id), "req-create-" + run,
				null);
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		assertThat(created.headers().firstValue("ETag")).hasValue("\"0\"");
		assertThat(created.headers().firstValue("Location")).hasValue("/admin/tenants/" + id);
		assertThat(Api.json(created).path("status").asString()).isEqualTo("ACTIVE");

		// get, with the version as ETag
		HttpResponse<String> read = api().get("/admin/tenants/" + id, "Authorization", ops());
		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(read.headers().firstValue("ETag")).hasValue("\"0\"");
		assertThat(Api.json(read).path("displayName").asString()).isEqualTo("E2E Voyages");
		assertThat(Api.json(read).path("config").path("rateLimit").path("limit").asInt()).isEqualTo(200);

		// the tenant works on both instances, and the other instance now has it cached
		assertThat(tenantStatus(api(), tokenHere)).isEqualTo("200");
		assertThat(tenantStatus(other, tokenThere)).isEqualTo("200");

		// update with If-Match
		HttpResponse<String> updated = send("PUT", "/admin/tenants/" + id, """
				{"displayName":"E2E Voyages Ltd","config":{"plan":"premium","features":["trips","helpdesk"]}}""",
				"req-update-" + run, "\"0\"");
		assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
		assertThat(updated.headers().firstValue("ETag")).hasValue("\"1\"");
		assertThat(Api.json(updated).path("version").asLong()).isEqualTo(1);
		assertThat(Api.json(updated).path("config").path("plan").asString()).isEqualTo("premium");

		// stale If-Match: 409, nothing changed
		HttpResponse<String> stale = send("PUT", "/admin/tenants/" + id, """
				{"displayName":"Lost update","config":{"plan":"basic"}}""", "req-stale-" + run, "\"0\"");
		assertThat(stale.statusCode()).isEqualTo(409);
		assertThat(Api.code(stale)).isEqualTo("version_conflict");
		assertThat(stale.headers().firstValue("ETag")).hasValue("\"1\"");

		// no If-Match: 428, nothing changed
		HttpResponse<String> unconditional = send("PUT", "/admin/tenants/" + id, """
				{"displayName":"Blind write","config":{"plan":"basic"}}""", "req-blind-" + run, null);
		assertThat(unconditional.statusCode()).isEqualTo(428);
		assertThat(Api.code(unconditional)).isEqualTo("precondition_required");

		HttpResponse<String> afterConflicts = api().get("/admin/tenants/" + id, "Authorization", ops());
		assertThat(afterConflicts.headers().firstValue("ETag")).hasValue("\"1\"");
		assertThat(Api.json(afterConflicts).path("displayName").asString()).isEqualTo("E2E Voyages Ltd");
		assertThat(Api.json(afterConflicts).path("config").path("plan").asString()).isEqualTo("premium");

		// the other instance has the updated tenant cached (its cache lives for minutes):
		// only the
		// change notification can make it see what happens next
		assertThat(tenantStatus(other, tokenThere)).isEqualTo("200");

		// suspend here: the next request there is tenant_suspended within a second
		HttpResponse<String> suspended = send("POST", "/admin/tenants/" + id + "/suspend", null, "req-suspend-" + run,
				null);
		assertThat(suspended.statusCode()).as(suspended.body()).isEqualTo(200);
		assertThat(Api.json(suspended).path("status").asString()).isEqualTo("SUSPENDED");
		Duration suspension = awaitOn(other, tokenThere, "403 tenant_suspended"::equals);
		assertThat(tenantStatus(api(), tokenHere)).isEqualTo("403 tenant_suspended");

		// resume
		HttpResponse<String> resumed = send("POST", "/admin/tenants/" + id + "/resume", null, "req-resume-" + run,
				null);
		assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
		Duration resumption = awaitOn(other, tokenThere, "200"::equals);
		assertThat(tenantStatus(api(), tokenHere)).isEqualTo("200");

		// delete (with the version read: a deletion cannot be undone): the tenant is gone
		// for its
		// own token, like any unknown tenant
		HttpResponse<String> deleted = send("DELETE", "/admin/tenants/" + id, null, "req-delete-" + run, "\"3\"");
		assertThat(deleted.statusCode()).isEqualTo(204);
		Duration deletion = awaitOn(other, tokenThere, "403 tenant_forbidden"::equals);
		assertThat(tenantStatus(api(), tokenHere)).isEqualTo("403 tenant_forbidden");
		assertThat(this.registry.find(TenantId.of(id)))
			.hasValueSatisfying((tenant) -> assertThat(tenant.status()).isEqualTo(TenantStatus.DELETED));
		HttpResponse<String> recreated = send("POST", "/admin/tenants", """
				{"id":"%s","displayName":"Reused id"}""".formatted(id), "req-recreate-" + run, null);
		assertThat(recreated.statusCode()).isEqualTo(409);

		logger.info("Status changes reached the other instance after: suspend {} ms, resume {} ms, delete {} ms",
				suspension.toMillis(), resumption.toMillis(), deletion.toMillis());

		// the audit: one entry per change that happened, none for the refused ones
		HttpResponse<String> audit = api().get("/admin/tenants/" + id + "/audit", "Authorization", ops());
		assertThat(audit.statusCode()).isEqualTo(200);
		List<JsonNode> entries = new ArrayList<>();
		Api.json(audit).forEach(entries::add);
		assertThat(entries).extracting((entry) -> entry.path("action").asString())
			.containsExactly("created", "updated", "suspended", "resumed", "deleted");
		assertThat(entries).extracting((entry) -> entry.path("requestId").asString())
			.containsExactly("req-create-" + run, "req-update-" + run, "req-suspend-" + run, "req-resume-" + run,
					"req-delete-" + run);
		assertThat(entries).extracting((entry) -> entry.path("actor").asString()).containsOnly("ops-client");
		assertThat(entries).extracting((entry) -> entry.path("version").asLong()).containsExactly(0L, 1L, 2L, 3L, 4L);
		JsonNode create = entries.get(0);
		assertThat(create.path("before").isNull() || create.path("before").isMissingNode()).isTrue();
		assertThat(create.path("after").path("displayName").asString()).isEqualTo("E2E Voyages");
		JsonNode update = entries.get(1);
		assertThat(update.path("before").path("displayName").asString()).isEqualTo("E2E Voyages");
		assertThat(update.path("before").path("config").path("plan").asString()).isEqualTo("standard");
		assertThat(update.path("after").path("displayName").asString()).isEqualTo("E2E Voyages Ltd");
		assertThat(update.path("after").path("config").path("plan").asString()).isEqualTo("premium");
		assertThat(entries.get(2).path("before").path("status").asString()).isEqualTo("ACTIVE");
		assertThat(entries.get(2).path("after").path("status").asString()).isEqualTo("SUSPENDED");
		assertThat(entries.get(4).path("after").path("status").asString()).isEqualTo("DELETED");
		assertThat(audit.body()).doesNotContain("Lost update").doesNotContain("Blind write");
	}

	/**
	 * Poll the other instance as fast as it answers until the tenant's status is as
	 * expected.
	 */
	private static Duration awaitOn(Api instance, String authorization, Predicate<String> expected) {
		long start = System.nanoTime();
		long deadline = start + PROPAGATION_LIMIT.toNanos();
		String last;
		do {
			last = tenantStatus(instance, authorization);
			if (expected.test(last)) {
				return Duration.ofNanos(System.nanoTime() - start);
			}
		}
		while (System.nanoTime() < deadline);
		throw new AssertionError("The other instance still answered '" + last + "' after " + PROPAGATION_LIMIT);
	}

	/** {@code 200}, or the status and problem code, of the tenant's next request. */
	private static String tenantStatus(Api instance, String authorization) {
		HttpResponse<String> response = instance.get("/api/tenant", "Authorization", authorization);
		return (response.statusCode() == 200) ? "200" : response.statusCode() + " " + Api.code(response);
	}

	private HttpResponse<String> send(String method, String path, String body, String requestId, String ifMatch)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(api().uri(path))
			.timeout(Duration.ofSeconds(30))
			.header("Authorization", ops())
			.header("X-Request-ID", requestId)
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)
					: HttpRequest.BodyPublishers.noBody());
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		if (ifMatch != null) {
			request.header("If-Match", ifMatch);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
	}

}
