package dev.tenancy.sample;

import java.net.http.HttpResponse;
import java.util.UUID;

import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;

/**
 * API responses carry a Content-Security-Policy; the {@code local} profile sends no HSTS,
 * not even on HTTPS.
 */
@LocalAppTest
class SecurityHeadersTest {

	static final String CSP = "default-src 'none'; frame-ancestors 'none'";

	@LocalServerPort
	int port;

	@Autowired
	WebApplicationContext context;

	@Autowired
	@Qualifier("springSecurityFilterChain")
	Filter springSecurityFilterChain;

	Api api() {
		return new Api(this.port);
	}

	@Test
	void apiResponsesCarryTheContentSecurityPolicy() {
		String acme = Api.bearer(api().token("acme-client"));
		for (HttpResponse<String> response : new HttpResponse[] { api().get("/api/tenant", "Authorization", acme),
				api().get("/api/trips", "Authorization", acme),
				api().get("/api/trips/" + UUID.randomUUID(), "Authorization", acme), api().get("/api/tenant"),
				api().get("/api/tenant", "Authorization", acme, "X-Client-ID", "globex"),
				api().get("/actuator/health") }) {
			assertThat(response.headers().firstValue("Content-Security-Policy")).as(response.uri().toString())
				.hasValue(CSP);
			assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
		}
	}

	@Test
	void tokenEndpointCarriesTheContentSecurityPolicy() {
		HttpResponse<String> response = api().tokenRequestBasic("acme-client", "acme-secret",
				"grant_type=client_credentials");

		assertThat(response.headers().firstValue("Content-Security-Policy")).hasValue(CSP);
		assertThat(response.headers().firstValue("Cache-Control"))
			.hasValueSatisfying((value) -> assertThat(value).contains("no-store"));
	}

	@Test
	void noHstsOverPlainHttpInLocal() {
		HttpResponse<String> response = api().get("/api/tenant", "Authorization",
				Api.bearer(api().token("acme-client")));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Strict-Transport-Security")).isEmpty();
	}

	@Test
	void noHstsEvenOverHttpsInLocal() throws Exception {
		MockMvc mvc = MockMvcBuilders.webAppContextSetup(this.context)
			.addFilters(this.springSecurityFilterChain)
			.build();

		mvc.perform(get("/actuator/health").secure(true))
			.andExpect(header().doesNotExist("Strict-Transport-Security"))
			.andExpect(header().string("Content-Security-Policy", CSP));
	}

}
