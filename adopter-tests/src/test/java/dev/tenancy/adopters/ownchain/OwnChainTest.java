package dev.tenancy.adopters.ownchain;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.tenancy.adopters.ownchain.app.OwnChainApplication;
import dev.tenancy.test.FakeIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application with its own {@code SecurityFilterChain} (own resource server and URL
 * rules) applying {@code http.with(tenancy(), withDefaults())}: it starts, tenants are
 * isolated by the verified token, its own rules still hold, and the admin paths answer
 * 401/403/200 by Spring Security's rules, without a tenant, for the admin API and an
 * Actuator endpoint put on the admin rule alike.
 */
@SpringBootTest(classes = OwnChainApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tenancy.tenants.acme.display-name=Acme", "tenancy.tenants.globex.display-name=Globex",
				"tenancy.admin.api.enabled=true", "tenancy.admin.token=" + OwnChainTest.ADMIN_TOKEN,
				"tenancy.admin.paths=/admin/**,/actuator/metrics,/actuator/metrics/**",
				"tenancy.resolution.additional-exempt-paths=/hello",
				"management.endpoints.web.exposure.include=health,metrics", "tenancy.rate-limit.enabled=false",
				"spring.autoconfigure.exclude=" + OwnChainTest.NO_DATABASE })
class OwnChainTest {

	static final String ADMIN_TOKEN = "adm-OwnChain-9fQ2-bootstrap";

	/** This app keeps its tenants in properties: no database. */
	static final String NO_DATABASE = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
			+ "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration,"
			+ "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration,"
			+ "org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration,"
			+ "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration";

	static final FakeIdentityProvider idp = new FakeIdentityProvider();

	@DynamicPropertySource
	static void identityProvider(DynamicPropertyRegistry registry) {
		registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", () -> idp.jwkSetUri().toString());
	}

	@AfterAll
	static void stopIdentityProvider() {
		idp.close();
	}

	@LocalServerPort
	int port;

	private HttpResponse<String> get(String path, String... headers) {
		return Http.get(this.port, path, headers);
	}

	private static String bearer(String tenant, String... scopes) {
		return "Bearer " + idp.token((claims) -> {
			claims.subject("user-of-" + tenant);
			if (tenant != null) {
				claims.claim("tenant_id", tenant);
			}
			if (scopes.length > 0) {
				claims.claim("scope", String.join(" ", scopes));
			}
		});
	}

	@Test
	void theTokensTenantIsTheRequestsTenant() {
		HttpResponse<String> response = get("/app/whoami", "Authorization", bearer("acme"));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"tenant\":\"acme\"");
		assertThat(get("/app/whoami", "Authorization", bearer("acme"), "X-Tenant-ID", "acme").body())
			.contains("\"tenant\":\"acme\"");
	}

	@Test
	void aHeaderAloneGrantsNoTenant() {
		HttpResponse<String> noToken = get("/app/whoami", "X-Tenant-ID", "acme");
		assertThat(noToken.statusCode()).isEqualTo(401);
		assertThat(Http.contentType(noToken)).startsWith("application/problem+json");
		assertThat(noToken.body()).contains("\"code\":\"unauthorized\"");
		HttpResponse<String> noTenantClaim = get("/app/whoami", "Authorization", bearer(null), "X-Tenant-ID", "acme");
		assertThat(noTenantClaim.statusCode()).isEqualTo(403);
		assertThat(noTenantClaim.body()).contains("\"code\":\"tenant_forbidden\"");
	}

	@Test
	void aHeaderNamingAnotherTenantIsAMismatch() {
		HttpResponse<String> response = get("/app/whoami", "Authorization", bearer("acme"), "X-Tenant-ID", "globex");
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(Http.contentType(response)).startsWith("application/problem+json");
		assertThat(response.body()).contains("\"code\":\"tenant_mismatch\"").doesNotContain("globex\"}");
	}

	@Test
	void theApplicationsOwnRulesStillHold() {
		assertThat(get("/hello").statusCode()).isEqualTo(200);
		assertThat(get("/app/reports/summary", "Authorization", bearer("acme")).statusCode()).isEqualTo(403);
		HttpResponse<String> withScope = get("/app/reports/summary", "Authorization", bearer("acme", "reports"));
		assertThat(withScope.statusCode()).isEqualTo(200);
		assertThat(withScope.body()).contains("\"tenant\":\"acme\"");
		// anyRequest().denyAll() of the app's chain
		assertThat(get("/elsewhere", "Authorization", bearer("acme")).statusCode()).isEqualTo(403);
		assertThat(get("/app/whoami", "Authorization", "Bearer not-a-jwt").statusCode()).isEqualTo(401);
	}

	@Test
	void theAdminApiAnswersBySpringSecuritysRules() {
		HttpResponse<String> none = get("/admin/tenants");
		assertThat(none.statusCode()).isEqualTo(401);
		assertThat(Http.contentType(none)).startsWith("application/problem+json");
		assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
		HttpResponse<String> wrong = get("/admin/tenants", "X-Admin-Token", "guess");
		assertThat(wrong.statusCode()).isEqualTo(403);
		assertThat(wrong.body()).contains("\"code\":\"forbidden\"").doesNotContain("guess");
		HttpResponse<String> tenantUser = get("/admin/tenants", "Authorization", bearer("acme"));
		assertThat(tenantUser.statusCode()).isEqualTo(403);
		assertThat(tenantUser.body()).contains("\"code\":\"forbidden\"");
		HttpResponse<String> token = get("/admin/tenants", "X-Admin-Token", ADMIN_TOKEN);
		assertThat(token.statusCode()).isEqualTo(200);
		assertThat(token.body()).contains("\"acme\"", "\"globex\"");
		// The bootstrap token admits even beside a tenant user's token (which grants
		// nothing here).
		assertThat(get("/admin/tenants", "X-Admin-Token", ADMIN_TOKEN, "Authorization", bearer("acme")).statusCode())
			.isEqualTo(200);
		HttpResponse<String> scope = get("/admin/tenants/acme", "Authorization", bearer(null, "tenancy.admin"));
		assertThat(scope.statusCode()).isEqualTo(200);
		assertThat(scope.body()).contains("\"Acme\"");
	}

	@Test
	void anActuatorEndpointOnTheAdminRuleNeedsAnAdminAndNoTenant() {
		assertThat(get("/actuator/metrics").statusCode()).isEqualTo(401);
		assertThat(get("/actuator/metrics", "Authorization", bearer("acme")).statusCode()).isEqualTo(403);
		for (List<String> headers : List.of(List.of("X-Admin-Token", ADMIN_TOKEN),
				List.of("Authorization", bearer(null, "tenancy.admin")))) {
			HttpResponse<String> response = get("/actuator/metrics", headers.toArray(String[]::new));
			assertThat(response.statusCode()).as(headers.get(0)).isEqualTo(200);
			assertThat(response.body()).contains("\"names\"");
		}
		// Not on the admin rule: the app's own anyRequest().denyAll(), anonymous.
		assertThat(get("/actuator/health").statusCode()).isEqualTo(401);
	}

	@Test
	void answersCarryTheSecurityHeaders() {
		HttpResponse<String> response = get("/app/whoami", "Authorization", bearer("acme"));
		assertThat(response.headers().firstValue("Content-Security-Policy"))
			.contains("default-src 'none'; frame-ancestors 'none'");
	}

}
