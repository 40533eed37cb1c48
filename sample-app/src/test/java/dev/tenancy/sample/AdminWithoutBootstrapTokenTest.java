package dev.tenancy.sample;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code tenancy.admin.token} unset, the local issuer's JWTs are the only admin
 * credential: no credential is 401, any {@code X-Admin-Token} or a tenant's token is 403,
 * a verified token with the admin scope gets in. (503 {@code admin_not_configured} is
 * only for an app with no admin credential mechanism at all; the starter's tests cover
 * it.)
 */
@LocalAppTest
class AdminWithoutBootstrapTokenTest {

	@LocalServerPort
	int port;

	Api api() {
		return new Api(this.port);
	}

	@Test
	void noCredentialIsUnauthorized() {
		HttpResponse<String> response = api().get("/admin/tenants");

		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(Api.code(response)).isEqualTo("unauthorized");
		assertThat(response.body()).doesNotContain("acme");
	}

	@Test
	void anyAdminTokenIsForbidden() {
		for (String token : new String[] { "", " ", "null", "changeme", "admin" }) {
			HttpResponse<String> response = api().get("/admin/tenants", "X-Admin-Token", token);

			assertThat(response.statusCode()).as("X-Admin-Token '%s'", token).isEqualTo(403);
			assertThat(Api.code(response)).isEqualTo("forbidden");
		}
	}

	@Test
	void tenantTokenIsForbidden() {
		HttpResponse<String> response = api().get("/admin/tenants", "Authorization",
				Api.bearer(api().token("acme-client")));

		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(Api.code(response)).isEqualTo("forbidden");
		assertThat(response.body()).doesNotContain("acme\"");
	}

	@Test
	void adminScopedTokenStillWorks() {
		HttpResponse<String> response = api().get("/admin/tenants", "Authorization",
				Api.bearer(api().token("ops-client")));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Api.json(response).path("total").asInt()).isGreaterThanOrEqualTo(64);
	}

}
