package dev.tenancy.adopters.ownchain;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.web.SecurityFilterChain;

import dev.tenancy.adopters.ownchain.formlogin.FormLoginApplication;
import dev.tenancy.adopters.ownchain.plain.PlainChainApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Applications whose own chains are not resource servers: a form-login app applying the
 * configurer without any admin credential mechanism (admin paths are 503), and an app
 * whose catch-all chain does not apply the configurer at all, which starts (the starter's
 * chain backs off instead of making the app's unreachable) and still never serves the
 * admin API.
 */
class OtherChainsTest {

	private static ConfigurableApplicationContext start(Class<?> application, String... properties) {
		return new SpringApplicationBuilder(application)
			.properties("server.port=0", "tenancy.tenants.acme.display-name=Acme", "tenancy.admin.api.enabled=true",
					"tenancy.rate-limit.enabled=false", "spring.autoconfigure.exclude=" + OwnChainTest.NO_DATABASE)
			.properties(properties)
			.run();
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	@Test
	void aFormLoginAppKeepsItsLoginAndHasNoAdminMechanism() {
		try (ConfigurableApplicationContext context = start(FormLoginApplication.class)) {
			assertThat(context.getBeansOfType(SecurityFilterChain.class)).containsOnlyKeys("browserSecurity");
			int port = port(context);
			HttpResponse<String> page = Http.get(port, "/app/page", "Accept", "text/html");
			assertThat(page.statusCode()).isEqualTo(302);
			assertThat(page.headers().firstValue("Location"))
				.hasValueSatisfying((l) -> assertThat(l).endsWith("/login"));
			HttpResponse<String> api = Http.get(port, "/app/page", "Accept", "application/json");
			assertThat(api.statusCode()).isEqualTo(401);
			assertThat(Http.contentType(api)).startsWith("application/problem+json");
			for (String[] headers : new String[][] { {}, { "X-Admin-Token", "guess" } }) {
				HttpResponse<String> admin = Http.get(port, "/admin/tenants", headers);
				assertThat(admin.statusCode()).isEqualTo(503);
				assertThat(admin.body()).contains("\"code\":\"admin_not_configured\"");
			}
			// CSRF protection stays on for the app, but an admin request carrying
			// X-Admin-Token needs
			// no CSRF token: it reaches the admin rule (503 here), not the CSRF refusal
			// (403).
			assertThat(Http.post(port, "/app/page").statusCode()).isEqualTo(403);
			HttpResponse<String> adminPost = Http.post(port, "/admin/tenants", "X-Admin-Token", "guess");
			assertThat(adminPost.statusCode()).isEqualTo(503);
			assertThat(adminPost.body()).contains("\"code\":\"admin_not_configured\"");
			// headers(false): the app's pages keep their own policy (here: none).
			assertThat(page.headers().firstValue("Content-Security-Policy")).isEmpty();
		}
	}

	@Test
	void anAppChainWithoutTheConfigurerStartsAndNeverServesTheAdminApi() {
		try (ConfigurableApplicationContext context = start(PlainChainApplication.class,
				"tenancy.admin.token=adm-Plain-7Qx-bootstrap")) {
			assertThat(context.getBeansOfType(SecurityFilterChain.class)).containsOnlyKeys("basicSecurity");
			int port = port(context);
			String basic = "Basic "
					+ Base64.getEncoder().encodeToString("bob:bob-password".getBytes(StandardCharsets.UTF_8));
			assertThat(Http.get(port, "/admin/tenants").statusCode()).isEqualTo(401);
			// Past the app's own rules, but the admin rule never ran: the safety net
			// refuses.
			for (String[] headers : new String[][] { { "Authorization", basic },
					{ "Authorization", basic, "X-Admin-Token", "adm-Plain-7Qx-bootstrap" } }) {
				HttpResponse<String> admin = Http.get(port, "/admin/tenants", headers);
				assertThat(admin.statusCode()).isEqualTo(503);
				assertThat(admin.body()).contains("\"code\":\"admin_not_configured\"").doesNotContain("acme");
			}
		}
	}

}
