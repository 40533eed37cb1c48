package dev.tenancy.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.MockMvc;

import dev.tenancy.autoconfigure.webapp.TestApplication;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * With a JWT decoder and no bootstrap token the admin API is 401 without a credential,
 * 403 with a wrong or insufficient one, and the admin scope gets in.
 */
@SpringBootTest(classes = TestApplication.class,
		properties = { "tenancy.tenants.acme.display-name=Acme Travel", "tenancy.admin.token=   ",
				"tenancy.admin.api.enabled=true" })
@AutoConfigureMockMvc
class TenancyWebAdminStatusTest {

	@Autowired
	private MockMvc mvc;

	@Test
	void noCredentialIs401AndAWrongOrInsufficientOneIs403() throws Exception {
		this.mvc.perform(get("/admin/tenants"))
			.andExpect(status().isUnauthorized())
			.andExpect(content().contentTypeCompatibleWith("application/problem+json"))
			.andExpect(header().exists("WWW-Authenticate"))
			.andExpect(jsonPath("$.code").value("unauthorized"));
		this.mvc.perform(get("/admin/tenants").header("X-Admin-Token", "   "))
			.andExpect(status().isForbidden())
			.andExpect(jsonPath("$.code").value("forbidden"));
		this.mvc.perform(get("/admin/tenants").header("X-Admin-Token", "")).andExpect(status().isForbidden());
		this.mvc.perform(get("/admin/tenants").with(jwt().jwt((j) -> j.claim("tenant_id", "acme"))))
			.andExpect(status().isForbidden())
			.andExpect(content().contentTypeCompatibleWith("application/problem+json"))
			.andExpect(jsonPath("$.code").value("forbidden"));
	}

	@Test
	void adminScopeWorks() throws Exception {
		this.mvc
			.perform(get("/admin/tenants").with(jwt().authorities(new SimpleGrantedAuthority("SCOPE_tenancy.admin"))))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.content[0].id").value("acme"));
	}

}
