package dev.tenancy.admin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import dev.tenancy.test.TestAuthentication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guard records how it admitted a request, so the audit never credits a bearer token that rode
 * along with the bootstrap admin token.
 */
class AdminGuardAuditTest {

	private final AdminGuard guard = new AdminGuard("s3cret-admin-token", "tenancy.admin");

	@AfterEach
	void clear() {
		TestAuthentication.clear();
	}

	@Test
	void admissionByTheBootstrapTokenIsRecordedEvenWithAnotherBearerToken() {
		TestAuthentication.signIn(java.util.Map.of("sub", "acme-client", "tenant_id", "acme"));
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/admin/tenants");
		request.addHeader(AdminGuard.TOKEN_HEADER, "s3cret-admin-token");
		assertThat(this.guard.check(request)).isEqualTo(AdminDecision.ALLOWED);
		assertThat(request.getAttribute(AdminGuard.ADMITTED_BY_TOKEN_ATTRIBUTE)).isEqualTo(Boolean.TRUE);
	}

	@Test
	void admissionByScopeIsNotRecordedAsTheToken() {
		TestAuthentication.signIn(java.util.Map.of("sub", "ops-client"), "SCOPE_tenancy.admin");
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/admin/tenants");
		request.addHeader(AdminGuard.TOKEN_HEADER, "s3cret-admin-token");
		assertThat(this.guard.check(request)).isEqualTo(AdminDecision.ALLOWED);
		assertThat(request.getAttribute(AdminGuard.ADMITTED_BY_TOKEN_ATTRIBUTE)).isNull();
	}

	@Test
	void aWrongTokenRecordsNothing() {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/admin/tenants");
		request.addHeader(AdminGuard.TOKEN_HEADER, "guess");
		assertThat(this.guard.check(request)).isEqualTo(AdminDecision.FORBIDDEN);
		assertThat(request.getAttribute(AdminGuard.ADMITTED_BY_TOKEN_ATTRIBUTE)).isNull();
	}

}
