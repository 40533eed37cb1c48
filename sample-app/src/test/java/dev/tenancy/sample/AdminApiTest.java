package dev.tenancy.sample;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API behind the admin guard, with a bootstrap token configured: 200 for an
 * admin, 401 without a credential, 403 for a wrong one; and the token never appears in
 * the output, from startup on (this class has a context of its own, started while output
 * is captured).
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "tenancy.admin.token=" + AdminApiTest.ADMIN_TOKEN)
@ActiveProfiles("local")
class AdminApiTest {

	static final String ADMIN_TOKEN = "adm-7Qx2-bootstrap-c41e9f0d";

	static final String WRONG_TOKEN = "adm-7Qx2-bootstrap-c41e9f0e";

	@LocalServerPort
	int port;

	Api api() {
		return new Api(this.port);
	}

	@AfterEach
	void tokensNeverAppearInOutput(CapturedOutput output) {
		assertThat(output.getAll()).contains("Started").doesNotContain(ADMIN_TOKEN).doesNotContain(WRONG_TOKEN);
	}

	@Test
	void opsTokenListsTheTenants() {
		HttpResponse<String> response = api().get("/admin/tenants?size=500", "Authorization",
				Api.bearer(api().token("ops-client")));

		assertThat(response.statusCode()).isEqualTo(200);
		// The 64 shipped tenant files, imported on the local profile's first start (plus
		// any
		// tenants other tests created).
		assertThat(Api.json(response).path("total").asInt()).isGreaterThanOrEqualTo(64);
		assertThat(ids(response)).contains("acme", "globex", "initech", "zephyr-sails").isSorted();
		JsonNode initech = tenant(response, "initech");
		assertThat(initech.path("displayName").asString()).isEqualTo("Initech Trips");
		assertThat(initech.path("status").asString()).isEqualTo("SUSPENDED");
		assertThat(tenant(response, "acme").path("config").path("plan").asString()).isEqualTo("standard");
	}

	@Test
	void tenantTokenIsForbidden() {
		HttpResponse<String> response = api().get("/admin/tenants", "Authorization",
				Api.bearer(api().token("acme-client")));

		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(Api.code(response)).isEqualTo("forbidden");
		assertThat(response.body()).doesNotContain("Globex");
	}

	@Test
	void noCredentialIsUnauthorized() {
		HttpResponse<String> response = api().get("/admin/tenants");

		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(Api.code(response)).isEqualTo("unauthorized");
	}

	@Test
	void rightAdminTokenIsAllowed() {
		HttpResponse<String> response = api().get("/admin/tenants?size=500", "X-Admin-Token", ADMIN_TOKEN);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(ids(response)).contains("acme", "globex", "initech");
	}

	@Test
	void wrongAdminTokenIsForbidden() {
		HttpResponse<String> response = api().get("/admin/tenants", "X-Admin-Token", WRONG_TOKEN);

		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(Api.code(response)).isEqualTo("forbidden");
		assertThat(response.body()).doesNotContain("acme");
	}

	@Test
	void adminTokenSentTwiceIsForbidden() {
		HttpResponse<String> response = api().get("/admin/tenants", "X-Admin-Token", WRONG_TOKEN, "X-Admin-Token",
				ADMIN_TOKEN);

		assertThat(response.statusCode()).isEqualTo(403);
	}

	@Test
	void adminTokenIsNotAcceptedAsABearerToken() {
		HttpResponse<String> response = api().get("/admin/tenants", "Authorization", Api.bearer(ADMIN_TOKEN));

		assertThat(response.statusCode()).isEqualTo(401);
	}

	@Test
	void adminTokenDoesNotActForATenant() {
		HttpResponse<String> response = api().get("/api/tenant", "X-Admin-Token", ADMIN_TOKEN, "X-Client-ID", "acme");

		assertThat(response.statusCode()).isEqualTo(401);
	}

	private static JsonNode tenant(HttpResponse<String> response, String id) {
		for (JsonNode tenant : Api.json(response).path("content")) {
			if (id.equals(tenant.path("id").asString())) {
				return tenant;
			}
		}
		throw new AssertionError("no tenant " + id + " in " + response.body());
	}

	private static List<String> ids(HttpResponse<String> response) {
		List<String> ids = new ArrayList<>();
		Api.json(response).path("content").forEach((tenant) -> ids.add(tenant.path("id").asString()));
		return ids;
	}

}
