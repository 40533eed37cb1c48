package dev.tenancy.sample;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code tenancy.admin.token} unset the admin API fails closed: 503 for everyone but a
 * verified token with the admin scope.
 */
@LocalAppTest
class AdminNotConfiguredTest {

	@LocalServerPort
	int port;

	Api api() {
		return new Api(this.port);
	}

	@Test
	void noCredentialIsNotConfigured() {
		HttpResponse<String> response = api().get("/admin/tenants");

		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(Api.code(response)).isEqualTo("admin_not_configured");
		assertThat(response.body()).doesNotContain("acme");
	}

	@Test
	void anyAdminTokenIsNotConfigured() {
		for (String token : new String[] { "", " ", "null", "changeme", "admin" }) {
			HttpResponse<String> response = api().get("/admin/tenants", "X-Admin-Token", token);

			assertThat(response.statusCode()).as("X-Admin-Token '%s'", token).isEqualTo(503);
			assertThat(Api.code(response)).isEqualTo("admin_not_configured");
		}
	}

	@Test
	void tenantTokenIsNotConfigured() {
		HttpResponse<String> response = api().get("/admin/tenants", "Authorization",
				Api.bearer(api().token("acme-client")));

		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(Api.code(response)).isEqualTo("admin_not_configured");
	}

	@Test
	void adminScopedTokenStillWorks() {
		HttpResponse<String> response = api().get("/admin/tenants", "Authorization",
				Api.bearer(api().token("ops-client")));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Api.json(response).path("total").asInt()).isGreaterThanOrEqualTo(64);
	}

}
