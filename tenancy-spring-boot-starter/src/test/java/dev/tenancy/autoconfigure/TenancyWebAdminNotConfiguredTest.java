package dev.tenancy.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.MockMvc;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The admin API answers 503 {@code admin_not_configured} only when no admin credential
 * mechanism exists at all: no bootstrap token and no JWT decoder.
 */
@SpringBootTest(classes = TenancyWebAdminNotConfiguredTest.NoIdentityProvider.class, properties = {
		"tenancy.tenants.acme.display-name=Acme Travel", "tenancy.admin.token=   ", "tenancy.admin.api.enabled=true",
		"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
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
		this.mvc.perform(get("/admin/tenants").header("X-Admin-Token", "guess"))
			.andExpect(status().isServiceUnavailable());
		this.mvc.perform(get("/admin/tenants").with(jwt().authorities(new SimpleGrantedAuthority("SCOPE_x"))))
			.andExpect(status().isServiceUnavailable());
	}

	/** An application with neither a bootstrap admin token nor a JWT decoder. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class NoIdentityProvider {

	}

}
