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
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The admin API fails closed when no admin token is configured; an admin-scoped JWT still works.
 */
@SpringBootTest(classes = TestApplication.class,
		properties = { "tenancy.tenants.acme.display-name=Acme Travel", "tenancy.admin.token=   ",
				"tenancy.admin.api.enabled=true" })
@AutoConfigureMockMvc
class TenancyWebAdminNotConfiguredTest {

	@Autowired
	private MockMvc mvc;

	@Test
	void everyAdminRequestIsRefusedWith503() throws Exception {
		this.mvc.perform(get("/admin/tenants"))
			.andExpect(status().isServiceUnavailable())
			.andExpect(content().contentTypeCompatibleWith("application/problem+json"))
			.andExpect(jsonPath("$.code").value("admin_not_configured"));
		this.mvc.perform(get("/admin/tenants").header("X-Admin-Token", "   "))
			.andExpect(status().isServiceUnavailable())
			.andExpect(jsonPath("$.code").value("admin_not_configured"));
		this.mvc.perform(get("/admin/tenants").header("X-Admin-Token", ""))
			.andExpect(status().isServiceUnavailable());
		this.mvc.perform(get("/admin/tenants").with(jwt().jwt((j) -> j.claim("tenant_id", "acme"))))
			.andExpect(status().isServiceUnavailable());
	}

	@Test
	void adminScopeStillWorks() throws Exception {
		this.mvc
			.perform(get("/admin/tenants")
				.with(jwt().authorities(new SimpleGrantedAuthority("SCOPE_tenancy.admin"))))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.content[0].id").value("acme"));
	}

}
