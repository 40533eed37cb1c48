package dev.tenancy.admin;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.InMemoryTenantRegistry;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.TenantSecretAdministration;
import dev.tenancy.registry.TenantSecretCipher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

/**
 * The secrets endpoints where secrets cannot be written: a registry without secrets is
 * read-only (405), and without a key they are off (503 naming the property).
 */
class TenantSecretsEndpointTest {

	static final InMemoryTenantRegistry REGISTRY = new InMemoryTenantRegistry(
			List.of(new Tenant(TenantId.of("acme"), "Acme", TenantStatus.ACTIVE, TenantConfig.empty(), 0)));

	@Test
	void withoutAKeySettingASecretIs503NamingTheProperty() throws Exception {
		TenantSecretCipher off = TenantSecretCipher.disabled();
		TenantSecretAdministration secrets = new TenantSecretAdministration() {

			@Override
			public void put(TenantId tenant, String name, String value, TenantChange change) {
				off.encrypt(tenant, name, value);
			}

			@Override
			public boolean delete(TenantId tenant, String name, TenantChange change) {
				return false;
			}

			@Override
			public List<SecretInfo> list(TenantId tenant) {
				return List.of();
			}

		};
		MockMvc mvc = MockMvcBuilders.standaloneSetup(new TenantAdminController(REGISTRY, null, secrets)).build();

		MvcResult result = mvc
			.perform(put("/admin/tenants/acme/secrets/signing").contentType("application/json")
				.content("{\"value\":\"s3cret-value\"}"))
			.andReturn();

		assertThat(result.getResponse().getStatus()).isEqualTo(503);
		assertThat(result.getResponse().getContentAsString())
			.contains("\"code\":\"secrets_not_configured\"", "tenancy.registry.secrets.key")
			.doesNotContain("s3cret");
	}

	@Test
	void aRegistryWithoutSecretsIsReadOnly() throws Exception {
		MockMvc mvc = MockMvcBuilders.standaloneSetup(new TenantAdminController(REGISTRY)).build();

		MvcResult set = mvc
			.perform(put("/admin/tenants/acme/secrets/signing").contentType("application/json")
				.content("{\"value\":\"s3cret-value\"}"))
			.andReturn();
		MvcResult list = mvc.perform(get("/admin/tenants/acme/secrets")).andReturn();

		assertThat(set.getResponse().getStatus()).isEqualTo(405);
		assertThat(set.getResponse().getContentAsString()).contains("registry_read_only").doesNotContain("s3cret");
		assertThat(list.getResponse().getStatus()).isEqualTo(405);
	}

}
