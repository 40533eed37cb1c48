package dev.tenancy.autoconfigure;

import java.util.Base64;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import dev.tenancy.TenantId;
import dev.tenancy.autoconfigure.webapp.TestApplication;
import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.registry.TenantSecrets;
import dev.tenancy.test.TestServices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

/**
 * Tenant secrets and e-mail domains through the admin API of an application on the
 * starter, with the PostgreSQL registry: a secret goes in write-only and no answer, log
 * line (everything at TRACE) or audit entry ever holds it; a domain another tenant owns
 * is a 409 naming it.
 */
@SpringBootTest(classes = { TestApplication.class, TenantSecretsAdminApiTest.Database.class },
		properties = { "tenancy.admin.token=" + TenantSecretsAdminApiTest.TOKEN, "tenancy.admin.api.enabled=true",
				"tenancy.registry.source=jdbc", "tenancy.registry.jdbc.listen=false", "tenancy.jdbc.rls-check=off",
				"logging.level.dev.tenancy=TRACE", "logging.level.org.springframework.web=TRACE",
				"logging.level.org.springframework.jdbc=TRACE", "logging.level.org.springframework.security=DEBUG" })
@AutoConfigureMockMvc
@ExtendWith(OutputCaptureExtension.class)
class TenantSecretsAdminApiTest {

	static final String TOKEN = "adm-Secrets-Vb27-bootstrap";

	static final String SECRET = "whsec_Tq9-inbound-signing-value";

	static final String SCHEMA = "secrets_api_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		registry.add("tenancy.registry.jdbc.schema", () -> SCHEMA);
		registry.add("spring.flyway.schemas", () -> "app_" + SCHEMA);
		registry.add("tenancy.registry.secrets.key",
				() -> Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes()));
		registry.add("tenancy.registry.secrets.key-id", () -> "2026-12");
	}

	@Autowired
	MockMvc mvc;

	@Autowired
	TenantSecrets secrets;

	@Autowired
	TenantRegistry registry;

	@Autowired
	DataSource dataSource;

	@Test
	void aSecretIsWriteOnlyAndNeverAnsweredLoggedOrAudited(CapturedOutput output) throws Exception {
		String id = create("acme", "acme-" + SCHEMA.replace('_', '-') + ".example");

		MvcResult set = send(
				put("/admin/tenants/" + id + "/secrets/inbound-email-signing-key").contentType("application/json")
					.content("{\"value\":\"" + SECRET + "\"}"));
		assertThat(set.getResponse().getStatus()).isEqualTo(204);
		assertThat(set.getResponse().getContentAsString()).isEmpty();

		MvcResult list = send(get("/admin/tenants/" + id + "/secrets"));
		assertThat(list.getResponse().getStatus()).isEqualTo(200);
		assertThat(list.getResponse().getContentAsString()).contains("\"name\":\"inbound-email-signing-key\"",
				"\"keyId\":\"2026-12\"", "\"createdAt\"", "\"updatedAt\"");
		MvcResult tenant = send(get("/admin/tenants/" + id));
		MvcResult audit = send(get("/admin/tenants/" + id + "/audit"));
		assertThat(audit.getResponse().getContentAsString()).contains("\"action\":\"secret-set\"",
				"\"secret\":\"inbound-email-signing-key\"");

		// what the webhook reads
		assertThat(this.secrets.find(TenantId.of(id), "inbound-email-signing-key")).contains(SECRET);

		MvcResult removed = send(delete("/admin/tenants/" + id + "/secrets/inbound-email-signing-key"));
		assertThat(removed.getResponse().getStatus()).isEqualTo(204);
		MvcResult again = send(delete("/admin/tenants/" + id + "/secrets/inbound-email-signing-key"));
		assertThat(again.getResponse().getStatus()).isEqualTo(404);
		assertThat(again.getResponse().getContentAsString()).contains("\"code\":\"secret_not_found\"");
		assertThat(this.secrets.find(TenantId.of(id), "inbound-email-signing-key")).isEmpty();

		for (MvcResult answer : new MvcResult[] { set, list, tenant, audit, removed, again }) {
			assertThat(answer.getResponse().getContentAsString()).doesNotContain(SECRET).doesNotContain("Tq9");
		}
		assertThat(JdbcClient.create(this.dataSource)
			.sql("select coalesce(string_agg(after::text, ' '), '') from " + SCHEMA + ".tenant_audit")
			.query(String.class)
			.single()).contains("inbound-email-signing-key").doesNotContain("Tq9");
		assertThat(output.getAll()).contains("/secrets/inbound-email-signing-key")
			.doesNotContain(SECRET)
			.doesNotContain("Tq9");
	}

	@Test
	void refusalsAreProblemsThatNeverEchoTheValue(CapturedOutput output) throws Exception {
		String id = create("refusals", null);

		assertProblem(send(put("/admin/tenants/nobody-" + id + "/secrets/signing").contentType("application/json")
			.content("{\"value\":\"" + SECRET + "\"}")), 404, "tenant_not_found");
		assertProblem(send(get("/admin/tenants/nobody-" + id + "/secrets")), 404, "tenant_not_found");
		assertProblem(send(delete("/admin/tenants/nobody-" + id + "/secrets/signing")), 404, "tenant_not_found");
		assertProblem(send(put("/admin/tenants/" + id + "/secrets/Not_A_Name").contentType("application/json")
			.content("{\"value\":\"" + SECRET + "\"}")), 400, "invalid_request");
		assertProblem(send(put("/admin/tenants/" + id + "/secrets/signing").contentType("application/json")
			.content("{\"value\":\"" + SECRET + "\",\"" + SECRET + "\":1}")), 400, "invalid_request");
		assertProblem(send(put("/admin/tenants/" + id + "/secrets/signing").contentType("application/json")
			.content("{\"value\":42}")), 400, "invalid_request");
		assertProblem(send(put("/admin/tenants/" + id + "/secrets/signing").contentType("application/json")
			.content("{\"value\":\"" + SECRET + "\"")), 400, "invalid_request");
		assertProblem(send(put("/admin/tenants/" + id + "/secrets/signing").contentType("application/json")
			.content("{\"value\":\"" + "x".repeat(4097) + "\"}")), 400, "invalid_request");
		assertProblem(send(put("/admin/tenants/" + id + "/secrets/signing").contentType("application/json")
			.content("{\"value\":\"" + "x".repeat(40_000) + "\"}")), 413, "payload_too_large");
		MvcResult anonymous = this.mvc
			.perform(put("/admin/tenants/" + id + "/secrets/signing").contentType("application/json")
				.content("{\"value\":\"" + SECRET + "\"}"))
			.andReturn();
		assertThat(anonymous.getResponse().getStatus()).isEqualTo(401);
		assertThat(this.secrets.find(TenantId.of(id), "signing")).isEmpty();
		assertThat(output.getAll()).doesNotContain(SECRET).doesNotContain("Tq9");
	}

	@Test
	void aDomainAnotherTenantOwnsIsA409NamingItOnEveryWritePath() throws Exception {
		String shared = "shared-" + SCHEMA.replace('_', '-') + ".example";
		String owner = create("owner", shared);
		String other = create("other", "other-" + SCHEMA.replace('_', '-') + ".example");

		MvcResult created = send(post("/admin/tenants").contentType("application/json")
			.content("{\"id\":\"" + unique("late") + "\",\"displayName\":\"Late\",\"config\":{\"emailDomains\":[\""
					+ shared + "\"]}}"));
		assertDomainTaken(created, shared, owner);
		MvcResult replaced = send(put("/admin/tenants/" + other).header("If-Match", "\"0\"")
			.contentType("application/json")
			.content("{\"displayName\":\"Other\",\"config\":{\"emailDomains\":[\"" + shared + "\"]}}"));
		assertDomainTaken(replaced, shared, owner);
		MvcResult patched = send(patch("/admin/tenants/" + other).header("If-Match", "\"0\"")
			.contentType("application/merge-patch+json")
			.content("{\"config\":{\"emailDomains\":[\"" + shared + "\"]}}"));
		assertDomainTaken(patched, shared, owner);

		assertThat(this.registry.findByEmailDomain(shared.toUpperCase()))
			.hasValueSatisfying((tenant) -> assertThat(tenant.id().value()).isEqualTo(owner));
		// deleting the owner frees the domain
		assertThat(send(delete("/admin/tenants/" + owner).header("If-Match", "\"0\"")).getResponse().getStatus())
			.isEqualTo(204);
		assertThat(send(patch("/admin/tenants/" + other).header("If-Match", "\"0\"")
			.contentType("application/merge-patch+json")
			.content("{\"config\":{\"emailDomains\":[\"" + shared + "\"]}}")).getResponse().getStatus()).isEqualTo(200);
		assertThat(this.registry.findByEmailDomain(shared))
			.hasValueSatisfying((tenant) -> assertThat(tenant.id().value()).isEqualTo(other));
	}

	private void assertDomainTaken(MvcResult result, String domain, String owner) throws Exception {
		assertProblem(result, 409, "email_domain_taken");
		assertThat(result.getResponse().getContentAsString()).contains("\"domain\":\"" + domain + "\"",
				"\"tenant\":\"" + owner + "\"");
	}

	private static void assertProblem(MvcResult result, int status, String code) throws Exception {
		assertThat(result.getResponse().getStatus()).isEqualTo(status);
		assertThat(result.getResponse().getContentType()).startsWith("application/problem+json");
		assertThat(result.getResponse().getContentAsString()).contains("\"code\":\"" + code + "\"")
			.doesNotContain(SECRET);
	}

	private String create(String name, String domain) throws Exception {
		String id = unique(name);
		String config = (domain != null) ? "{\"emailDomains\":[\"" + domain + "\"]}" : "{}";
		MvcResult result = send(post("/admin/tenants").contentType("application/json")
			.content("{\"id\":\"" + id + "\",\"displayName\":\"" + name + "\",\"config\":" + config + "}"));
		assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(201);
		return id;
	}

	private static String unique(String name) {
		return name + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@Configuration(proxyBeanMethods = false)
	static class Database {

		@Bean
		DataSource dataSource() {
			PGSimpleDataSource dataSource = new PGSimpleDataSource();
			dataSource.setUrl(TestServices.postgres().jdbcUrl());
			return dataSource;
		}

	}

	private MvcResult send(MockHttpServletRequestBuilder request) throws Exception {
		return this.mvc.perform(request.header("X-Admin-Token", TOKEN)).andReturn();
	}

}
