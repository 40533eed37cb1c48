package dev.tenancy.configserver.console;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.TenantAdministration;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.TenantRegistry;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.oidcLogin;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * The console's chain: where an anonymous visitor is sent (PKCE at the issuer), its
 * security headers, the refusal without the admin scope, CSRF, and the machine chains
 * beside it left as they were.
 */
@SpringBootTest
@AutoConfigureMockMvc
@ActiveProfiles("local")
class ConsoleSecurityTest {

	@Autowired
	MockMvc mvc;

	@Autowired
	TenantAdministration administration;

	@Test
	void anAnonymousVisitorIsSentToTheIssuerWithPkce() throws Exception {
		MvcResult page = this.mvc.perform(get("/console/tenants")).andReturn();
		assertThat(page.getResponse().getStatus()).isEqualTo(302);
		assertThat(page.getResponse().getRedirectedUrl()).endsWith("/console/oauth2/authorization/console");

		MvcResult authorization = this.mvc.perform(get("/console/oauth2/authorization/console")).andReturn();
		String location = authorization.getResponse().getRedirectedUrl();
		assertThat(location).startsWith("http://localhost:8888/oauth2/authorize?")
			.contains("response_type=code", "client_id=tenancy-console", "code_challenge=",
					"code_challenge_method=S256", "state=", "nonce=");
		assertThat(authorization.getResponse().getHeader("Set-Cookie")).isNull();
	}

	@Test
	void pagesCarryAStrictContentSecurityPolicyAndNoInlineScriptOrStyle() throws Exception {
		Tenant tenant = tenant();
		MvcResult result = this.mvc.perform(get("/console/tenants/" + tenant.id().value()).with(operator()))
			.andReturn();

		assertThat(result.getResponse().getStatus()).isEqualTo(200);
		String policy = result.getResponse().getHeader("Content-Security-Policy");
		assertThat(policy).isEqualTo(ConsoleSecurityConfiguration.CONTENT_SECURITY_POLICY)
			.contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
			.doesNotContain("unsafe");
		assertThat(result.getResponse().getHeader("X-Frame-Options")).isEqualTo("DENY");
		assertThat(result.getResponse().getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
		assertThat(result.getResponse().getHeader("Cache-Control")).contains("no-store");
		assertThat(result.getResponse().getHeader("Referrer-Policy")).isEqualTo("same-origin");
		String html = result.getResponse().getContentAsString();
		assertThat(html).doesNotContainPattern("(?i)<style")
			.doesNotContainPattern("(?i)\\sstyle=")
			.doesNotContainPattern("(?i)<script(?![^>]*\\ssrc=)")
			.doesNotContainPattern("(?i)\\son[a-z]+=");
		// every change carries the CSRF token
		assertThat(html).contains("name=\"_csrf\"");
		// the rate limit is a protected key of the tenant API (application.yml): the form
		// says that apps reading tenants through this server get the plan's
		assertThat(html).contains("tenancy.config-server.protected-keys");
	}

	@Test
	void someoneSignedInWithoutTheAdminScopeGetsTheRefusalPage() throws Exception {
		Tenant tenant = tenant();
		MvcResult result = this.mvc
			.perform(get("/console/tenants/" + tenant.id().value())
				.with(oidcLogin().idToken((token) -> token.subject("viewer"))))
			.andReturn();

		assertThat(result.getResponse().getStatus()).isEqualTo(403);
		// MockMvc records the forward to the refusal page (rendered in
		// ConsoleBrowserTest)
		assertThat(result.getResponse().getForwardedUrl()).isEqualTo("/console/refused");
		assertThat(result.getResponse().getContentAsString()).doesNotContain(tenant.id().value());
	}

	@Test
	void aChangeWithoutTheCsrfTokenIsRefusedAndChangesNothing() throws Exception {
		Tenant tenant = tenant();
		MvcResult refused = this.mvc
			.perform(post("/console/tenants/" + tenant.id().value() + "/suspend").with(operator())
				.param("version", String.valueOf(tenant.version())))
			.andReturn();

		assertThat(refused.getResponse().getStatus()).isEqualTo(403);
		assertThat(refused.getResponse().getForwardedUrl()).isEqualTo("/console/form-expired");
		assertThat(stored(tenant).status()).isEqualTo(TenantStatus.ACTIVE);

		MvcResult accepted = this.mvc
			.perform(post("/console/tenants/" + tenant.id().value() + "/suspend").with(operator())
				.with(csrf())
				.param("version", String.valueOf(tenant.version())))
			.andReturn();
		assertThat(accepted.getResponse().getStatus()).isEqualTo(302);
		assertThat(stored(tenant).status()).isEqualTo(TenantStatus.SUSPENDED);
	}

	@Test
	void aStaleVersionChangesNothing() throws Exception {
		Tenant tenant = tenant();
		this.administration.changeStatus(tenant.id(), TenantStatus.SUSPENDED, tenant.version(),
				new TenantChange("someone-else", "req-1"));

		MvcResult result = this.mvc
			.perform(post("/console/tenants/" + tenant.id().value() + "/delete").with(operator())
				.with(csrf())
				.param("version", String.valueOf(tenant.version()))
				.param("confirmation", tenant.id().value()))
			.andReturn();

		assertThat(result.getResponse().getStatus()).isEqualTo(409);
		assertThat(result.getResponse().getContentAsString()).contains("someone-else");
		assertThat(stored(tenant).status()).isEqualTo(TenantStatus.SUSPENDED);
	}

	@Test
	void aTenantCreatedInTheConsoleIsAuditedAsTheOperatorAndBadInputIsShownAtItsFields() throws Exception {
		String id = "console-new-" + UUID.randomUUID().toString().substring(0, 8);
		MvcResult created = this.mvc
			.perform(post("/console/tenants").with(operator())
				.with(csrf())
				.param("id", id)
				.param("displayName", "New Voyages")
				.param("plan", "premium")
				.param("limit", "300")
				.param("window", "1m")
				.param("costs", "helpdesk=5")
				.param("features", "trips, helpdesk")
				.param("emailDomains", "new-voyages.example")
				.param("attributes", "brandColour=#0a5"))
			.andReturn();

		assertThat(created.getResponse().getStatus()).isEqualTo(302);
		assertThat(created.getResponse().getRedirectedUrl()).isEqualTo("/console/tenants/" + id);
		Tenant tenant = ((TenantRegistry) this.administration).find(TenantId.of(id)).orElseThrow();
		assertThat(tenant.config().rateLimit().limit()).isEqualTo(300);
		assertThat(tenant.config().rateLimit().costs()).containsEntry("helpdesk", 5L);
		assertThat(tenant.config().features()).containsExactly("trips", "helpdesk");
		assertThat(this.administration.audit(tenant.id())).singleElement()
			.satisfies((entry) -> assertThat(entry.actor()).isEqualTo("operator"));

		MvcResult invalid = this.mvc
			.perform(post("/console/tenants").with(operator())
				.with(csrf())
				.param("id", "Not_A_Label")
				.param("displayName", "")
				.param("limit", "lots")
				.param("costs", "helpdesk")
				.param("emailDomains", "UPPER.example"))
			.andReturn();

		assertThat(invalid.getResponse().getStatus()).isEqualTo(422);
		String html = invalid.getResponse().getContentAsString();
		assertThat(html).contains("id=\"id-error\"", "is required, a DNS label such as acme-travel")
			.contains("id=\"displayName-error\"", "is required, text of 1 to 200 characters")
			.contains("id=\"limit-error\"", "id=\"costs-error\"", "line 1: one name=tokens a line")
			.contains("id=\"emailDomains-error\"", "emailDomains[0]: ");
	}

	@Test
	void deletingNeedsTheTenantsIdTyped() throws Exception {
		Tenant tenant = tenant();
		MvcResult result = this.mvc
			.perform(post("/console/tenants/" + tenant.id().value() + "/delete").with(operator())
				.with(csrf())
				.param("version", String.valueOf(tenant.version()))
				.param("confirmation", "yes"))
			.andReturn();

		assertThat(result.getResponse().getStatus()).isEqualTo(422);
		assertThat(stored(tenant).status()).isEqualTo(TenantStatus.ACTIVE);
	}

	@Test
	void theRefusalAndFormExpiredPagesSayWhatHappened() throws Exception {
		MvcResult refused = this.mvc
			.perform(get("/console/refused").with(oidcLogin().idToken((token) -> token.subject("viewer"))))
			.andReturn();
		assertThat(refused.getResponse().getStatus()).isEqualTo(403);
		assertThat(refused.getResponse().getContentAsString()).contains("You cannot use the tenant console", "viewer",
				"tenants:admin");

		MvcResult expired = this.mvc.perform(get("/console/form-expired")).andReturn();
		assertThat(expired.getResponse().getStatus()).isEqualTo(403);
		assertThat(expired.getResponse().getContentAsString()).contains("This form has expired", "Nothing was changed");
	}

	@Test
	void unknownConsolePathsAreNeverServedAsConfiguration() throws Exception {
		MvcResult result = this.mvc.perform(get("/console/default").with(operator())).andReturn();

		assertThat(result.getResponse().getStatus()).isEqualTo(403);
		assertThat(result.getResponse().getContentAsString()).doesNotContain("propertySources");
	}

	@Test
	void theMachineChainsStayStatelessAndAnswerAsBefore() throws Exception {
		MvcResult admin = this.mvc.perform(get("/admin/tenants")).andReturn();
		assertThat(admin.getResponse().getStatus()).isEqualTo(401);
		assertThat(admin.getResponse().getContentType()).startsWith("application/problem+json");

		MvcResult config = this.mvc.perform(get("/sample-app/default")).andReturn();
		assertThat(config.getResponse().getStatus()).isEqualTo(401);
		assertThat(config.getResponse().getHeader("WWW-Authenticate")).startsWith("Basic");
		assertThat(config.getRequest().getSession(false)).isNull();

		// a console session is no credential for the admin API
		MvcResult withConsoleSignIn = this.mvc.perform(get("/admin/tenants").with(operator())).andReturn();
		assertThat(withConsoleSignIn.getResponse().getStatus()).isIn(401, 403);
	}

	private static RequestPostProcessor operator() {
		return oidcLogin().idToken((token) -> token.subject("operator"))
			.authorities(new SimpleGrantedAuthority("SCOPE_tenants:admin"));
	}

	private Tenant tenant() {
		String id = "console-mvc-" + UUID.randomUUID().toString().substring(0, 8);
		TenantConfig config = new TenantConfig("standard",
				new TenantConfig.RateLimit(1000, Duration.ofMinutes(1), 1000, null, Map.of()), List.of("trips"),
				List.of(id + ".example"), "en-GB", Map.of());
		return this.administration.create(TenantId.of(id), "Mvc " + id, config,
				new TenantChange("test-setup", "req-0"));
	}

	private Tenant stored(Tenant tenant) {
		return ((TenantRegistry) this.administration).find(tenant.id()).orElseThrow();
	}

}
