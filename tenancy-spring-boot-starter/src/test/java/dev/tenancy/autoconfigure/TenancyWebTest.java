package dev.tenancy.autoconfigure;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.JwtRequestPostProcessor;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import tools.jackson.databind.json.JsonMapper;

import dev.tenancy.autoconfigure.webapp.TestApplication;
import dev.tenancy.context.TenantContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The request path of an application on the starter, through MockMvc with Spring
 * Security.
 */
@SpringBootTest(classes = TestApplication.class,
		properties = { "tenancy.tenants.acme.display-name=Acme Travel", "tenancy.tenants.globex.display-name=Globex",
				"tenancy.tenants.initech.status=suspended", "tenancy.tenants.umbrella.status=deleted",
				"tenancy.admin.token=" + TenancyWebTest.ADMIN_TOKEN, "tenancy.admin.api.enabled=true",
				"spring.task.execution.pool.core-size=1", "spring.task.execution.pool.max-size=1",
				// Structured logs, so the tenant, request and correlation ids are seen as
				// fields.
				"logging.structured.format.console=logstash" })
@AutoConfigureMockMvc
@ExtendWith(OutputCaptureExtension.class)
class TenancyWebTest {

	static final String ADMIN_TOKEN = "adm-Zq81-bootstrap-Kk27";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	private MockMvc mvc;

	private static JwtRequestPostProcessor tokenFor(String tenant) {
		return jwt().jwt((jwt) -> jwt.claim("tenant_id", tenant));
	}

	private static JwtRequestPostProcessor tokenWithoutTenant() {
		return jwt().jwt((jwt) -> jwt.subject("nobody"));
	}

	private static JwtRequestPostProcessor adminToken() {
		return jwt().jwt((jwt) -> jwt.claim("scope", "tenancy.admin"))
			.authorities(new SimpleGrantedAuthority("SCOPE_tenancy.admin"));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> json(MvcResult result) throws Exception {
		return JSON.readValue(result.getResponse().getContentAsByteArray(), Map.class);
	}

	private MvcResult perform(MockHttpServletRequestBuilder request) throws Exception {
		return this.mvc.perform(request).andReturn();
	}

	@Test
	void tokenForAcmeSeesAcme() throws Exception {
		this.mvc.perform(get("/api/tenant").with(tokenFor("acme")))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.tenant").value("acme"))
			.andExpect(jsonPath("$.mdc").value("acme"));
		assertThat(TenantContext.current()).isEmpty();
		assertThat(org.slf4j.MDC.get(TenantContext.MDC_KEY)).isNull();
	}

	@Test
	void headerThatAgreesWithTheTokenIsFine() throws Exception {
		this.mvc.perform(get("/api/tenant").with(tokenFor("acme")).header("X-Client-ID", "acme"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.tenant").value("acme"));
	}

	@Test
	void tokenForAcmeWithHeaderGlobexIsAMismatch() throws Exception {
		this.mvc.perform(get("/api/tenant").with(tokenFor("acme")).header("X-Client-ID", "globex"))
			.andExpect(status().isForbidden())
			.andExpect(content().contentTypeCompatibleWith("application/problem+json"))
			.andExpect(jsonPath("$.code").value("tenant_mismatch"))
			.andExpect(jsonPath("$.status").value(403));
		this.mvc.perform(get("/api/tenant").with(tokenFor("acme")).header("X-Tenant-ID", "globex"))
			.andExpect(status().isForbidden())
			.andExpect(jsonPath("$.code").value("tenant_mismatch"));
	}

	@Test
	void tokenForSeveralTenantsSelectsWithTheHeader() throws Exception {
		JwtRequestPostProcessor both = jwt().jwt((jwt) -> jwt.claim("tenants", List.of("acme", "globex")));
		this.mvc.perform(get("/api/tenant").with(both).header("X-Client-ID", "globex"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.tenant").value("globex"));
		this.mvc.perform(get("/api/tenant").with(both))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("tenant_required"));
	}

	@Test
	void noTokenIsUnauthorized() throws Exception {
		this.mvc.perform(get("/api/tenant"))
			.andExpect(status().isUnauthorized())
			.andExpect(content().contentTypeCompatibleWith("application/problem+json"))
			.andExpect(header().string("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer")))
			.andExpect(jsonPath("$.code").value("unauthorized"));
		// A header alone is no credential.
		this.mvc.perform(get("/api/tenant").header("X-Client-ID", "acme"))
			.andExpect(status().isUnauthorized())
			.andExpect(jsonPath("$.code").value("unauthorized"));
	}

	@Test
	void rejectedBearerTokenIsUnauthorized() throws Exception {
		this.mvc.perform(get("/api/tenant").header("Authorization", "Bearer not.a.valid.token"))
			.andExpect(status().isUnauthorized())
			.andExpect(content().contentTypeCompatibleWith("application/problem+json"))
			.andExpect(jsonPath("$.code").value("unauthorized"));
	}

	@Test
	void unknownAndNotGrantedTenantsGetIdenticalBodies() throws Exception {
		MvcResult unknown = perform(get("/api/tenant").with(tokenFor("nosuch")));
		MvcResult deleted = perform(get("/api/tenant").with(tokenFor("umbrella")));
		MvcResult notGranted = perform(get("/api/tenant").with(tokenWithoutTenant()).header("X-Client-ID", "globex"));
		MvcResult notGrantedUnknown = perform(
				get("/api/tenant").with(tokenWithoutTenant()).header("X-Client-ID", "nosuch"));
		for (MvcResult result : List.of(unknown, deleted, notGranted, notGrantedUnknown)) {
			assertThat(result.getResponse().getStatus()).isEqualTo(403);
			assertThat(result.getResponse().getContentType()).startsWith("application/problem+json");
			assertThat(result.getResponse().getContentAsByteArray())
				.isEqualTo(unknown.getResponse().getContentAsByteArray());
		}
		assertThat(json(unknown)).containsEntry("code", "tenant_forbidden");
		assertThat(unknown.getResponse().getContentAsString()).doesNotContain("nosuch", "globex");
	}

	@Test
	void headerNamingAnExistingOrAnUnknownTenantLooksTheSame() throws Exception {
		MvcResult existing = perform(get("/api/tenant").with(tokenFor("acme")).header("X-Client-ID", "globex"));
		MvcResult unknown = perform(get("/api/tenant").with(tokenFor("acme")).header("X-Client-ID", "nosuch"));
		assertThat(existing.getResponse().getStatus()).isEqualTo(unknown.getResponse().getStatus()).isEqualTo(403);
		assertThat(existing.getResponse().getContentAsByteArray())
			.isEqualTo(unknown.getResponse().getContentAsByteArray());
	}

	@Test
	void suspendedTenant() throws Exception {
		this.mvc.perform(get("/api/tenant").with(tokenFor("initech")))
			.andExpect(status().isForbidden())
			.andExpect(jsonPath("$.code").value("tenant_suspended"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "GLOBEX", "Globex", " globex", "globex ", "acme,globex", "globex,acme", "%67lobex",
			"\u0261lobex", "\uff47lobex", "-globex", "globex-", ".." })
	void hostileHeadersNeverReachAnotherTenant(String value) throws Exception {
		MvcResult result = perform(get("/api/tenant").with(tokenFor("acme")).header("X-Client-ID", value));
		assertThat(result.getResponse().getStatus()).as(value).isIn(400, 403);
		assertThat(json(result).get("code")).isIn("tenant_invalid", "tenant_mismatch");
		assertThat(result.getResponse().getContentAsString()).doesNotContain("\"tenant\"");
	}

	@Test
	void tenKilobyteHeaderIsInvalid() throws Exception {
		this.mvc.perform(get("/api/tenant").with(tokenFor("acme")).header("X-Client-ID", "g".repeat(10 * 1024)))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("tenant_invalid"));
	}

	@Test
	void sameHeaderTwiceIsInvalid() throws Exception {
		this.mvc.perform(get("/api/tenant").with(tokenFor("acme")).header("X-Client-ID", "acme", "globex"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("tenant_invalid"));
		this.mvc.perform(get("/api/tenant").with(tokenFor("acme")).header("X-Client-ID", "acme", "acme"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("tenant_invalid"));
	}

	@Test
	void malformedTokenClaimIsInvalid() throws Exception {
		this.mvc.perform(get("/api/tenant").with(jwt().jwt((jwt) -> jwt.claim("tenant_id", "ACME"))))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("tenant_invalid"));
		this.mvc.perform(get("/api/tenant").with(jwt().jwt((jwt) -> jwt.claim("tenant_id", 42))))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("tenant_invalid"));
	}

	@Test
	void healthNeedsNeitherTokenNorTenant() throws Exception {
		this.mvc.perform(get("/actuator/health")).andExpect(status().isOk());
	}

	@Test
	void adminEndpoint(CapturedOutput output) throws Exception {
		this.mvc.perform(get("/admin/tenants"))
			.andExpect(status().isUnauthorized())
			.andExpect(content().contentTypeCompatibleWith("application/problem+json"))
			.andExpect(jsonPath("$.code").value("unauthorized"));
		this.mvc.perform(get("/admin/tenants").header("X-Admin-Token", "wrong"))
			.andExpect(status().isForbidden())
			.andExpect(jsonPath("$.code").value("forbidden"));
		this.mvc.perform(get("/admin/tenants").header("X-Admin-Token", "")).andExpect(status().isForbidden());
		this.mvc.perform(get("/admin/tenants").header("X-Admin-Token", ADMIN_TOKEN, ADMIN_TOKEN))
			.andExpect(status().isForbidden());
		this.mvc.perform(get("/admin/tenants").with(tokenFor("acme")))
			.andExpect(status().isForbidden())
			.andExpect(jsonPath("$.code").value("forbidden"));
		this.mvc.perform(get("/admin/tenants").header("X-Admin-Token", ADMIN_TOKEN))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.content[*].id").value(org.hamcrest.Matchers.contains("acme", "globex", "initech")))
			.andExpect(jsonPath("$.total").value(3));
		this.mvc.perform(get("/admin/tenants/acme").with(adminToken()))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.displayName").value("Acme Travel"))
			.andExpect(header().string("ETag", "\"0\""));
		this.mvc.perform(get("/admin/tenants").with(adminToken()).param("status", "suspended"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.content[*].id").value(org.hamcrest.Matchers.contains("initech")));
		// A wrong token used as a bearer token is no way in either.
		this.mvc.perform(get("/admin/tenants").header("Authorization", "Bearer " + ADMIN_TOKEN))
			.andExpect(status().isUnauthorized());
		assertThat(output.getAll()).doesNotContain(ADMIN_TOKEN);
	}

	@Test
	void unhandledExceptionIsAGenericInternalError(CapturedOutput output) throws Exception {
		MvcResult result = perform(get("/api/fails").with(tokenFor("acme")));
		assertThat(result.getResponse().getStatus()).isEqualTo(500);
		assertThat(result.getResponse().getContentType()).startsWith("application/problem+json");
		String body = result.getResponse().getContentAsString();
		assertThat(body).doesNotContain(TestApplication.SECRET, "SELECT", "payments", "IllegalStateException",
				"at dev.tenancy");
		Map<String, Object> problem = json(result);
		assertThat(problem).containsEntry("code", "internal_error").containsEntry("status", 500);
		String correlationId = (String) problem.get("correlationId");
		assertThat(correlationId).matches("[0-9a-f-]{36}");
		// The log has everything the body does not, the ids as fields of the line.
		String requestId = result.getResponse().getHeader("X-Request-ID");
		assertThat(requestId).isNotBlank();
		assertThat(output.getAll()).contains("\"correlation_id\":\"" + correlationId + "\"")
			.contains("\"request_id\":\"" + requestId + "\"")
			.contains(TestApplication.SECRET)
			.contains("\"tenant_id\":\"acme\"")
			.contains("IllegalStateException");
	}

	@Test
	void exceptionOutsideTheHandlerIsAGenericInternalErrorToo() throws Exception {
		MvcResult result = perform(get("/api/filter-fails").with(tokenFor("acme")));
		assertThat(result.getResponse().getStatus()).isEqualTo(500);
		assertThat(result.getResponse().getContentAsString()).doesNotContain(TestApplication.SECRET);
		assertThat(json(result)).containsEntry("code", "internal_error").containsKey("correlationId");
	}

	@Test
	void contentSecurityPolicyIsSent() throws Exception {
		this.mvc.perform(get("/api/tenant").with(tokenFor("acme")))
			.andExpect(header().string("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"));
		this.mvc.perform(get("/api/tenant"))
			.andExpect(status().isUnauthorized())
			.andExpect(header().string("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"));
	}

	@Test
	void hstsOnSecureRequestsOutsideLocalProfiles() throws Exception {
		this.mvc.perform(get("/api/tenant").with(tokenFor("acme")).secure(true))
			.andExpect(status().isOk())
			.andExpect(header().string("Strict-Transport-Security",
					org.hamcrest.Matchers.allOf(org.hamcrest.Matchers.containsString("max-age=31536000"),
							org.hamcrest.Matchers.containsString("includeSubDomains"))));
		// Browsers ignore HSTS over plain HTTP, and Spring Security only sends it on
		// secure requests.
		this.mvc.perform(get("/api/tenant").with(tokenFor("acme")))
			.andExpect(header().doesNotExist("Strict-Transport-Security"));
	}

	@Test
	void asyncBeanSeesTheCallersTenant() throws Exception {
		this.mvc.perform(get("/api/async").with(tokenFor("acme")))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.caller").value("acme"))
			.andExpect(jsonPath("$.tenant").value("acme"))
			.andExpect(jsonPath("$.mdc").value("acme"))
			.andExpect(jsonPath("$.thread").value(org.hamcrest.Matchers.not(Thread.currentThread().getName())));
		this.mvc.perform(get("/api/async").with(tokenFor("globex")))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.tenant").value("globex"))
			.andExpect(jsonPath("$.mdc").value("globex"));
	}

}
