package dev.tenancy.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;

import dev.tenancy.autoconfigure.webapp.TestApplication;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * With the {@code local} profile there is no HSTS, even on a secure request; the CSP
 * stays, and a property replaces it.
 */
@SpringBootTest(classes = TestApplication.class,
		properties = { "tenancy.tenants.acme.display-name=Acme Travel",
				"tenancy.security.content-security-policy=default-src 'self'" })
@AutoConfigureMockMvc
@ActiveProfiles("local")
class TenancyWebLocalProfileTest {

	@Autowired
	private MockMvc mvc;

	@Test
	void noHstsInTheLocalProfile() throws Exception {
		this.mvc.perform(get("/api/tenant").with(jwt().jwt((j) -> j.claim("tenant_id", "acme"))).secure(true))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.tenant").value("acme"))
			.andExpect(header().doesNotExist("Strict-Transport-Security"));
	}

	@Test
	void contentSecurityPolicyIsReplaceableByProperty() throws Exception {
		this.mvc.perform(get("/api/tenant").with(jwt().jwt((j) -> j.claim("tenant_id", "acme"))))
			.andExpect(header().string("Content-Security-Policy", "default-src 'self'"));
	}

}
