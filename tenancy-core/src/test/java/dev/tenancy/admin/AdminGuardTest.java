package dev.tenancy.admin;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;

import dev.tenancy.test.TestAuthentication;

import static org.assertj.core.api.Assertions.assertThat;

class AdminGuardTest {

	private static final String TOKEN = "adm-7Hq2-Vx9p-LL03-zzQk";

	private final AdminGuard guard = new AdminGuard(TOKEN, "tenancy.admin");

	@AfterEach
	void clearSecurityContext() {
		TestAuthentication.clear();
	}

	private static MockHttpServletRequest request(String... tokens) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/admin/tenants");
		for (String token : tokens) {
			request.addHeader(AdminGuard.TOKEN_HEADER, token);
		}
		return request;
	}

	@ParameterizedTest
	@NullSource
	@ValueSource(strings = { "", " ", "   ", "\t", "\n", " \t\r\n " })
	void unsetOrBlankTokenIsNotConfigured(String configured) {
		AdminGuard unset = new AdminGuard(configured, "tenancy.admin");
		assertThat(unset.check(request())).isEqualTo(AdminDecision.NOT_CONFIGURED);
		assertThat(unset.check(request(""))).isEqualTo(AdminDecision.NOT_CONFIGURED);
		assertThat(unset.check(request(" "))).isEqualTo(AdminDecision.NOT_CONFIGURED);
		assertThat(unset.check(request("anything"))).isEqualTo(AdminDecision.NOT_CONFIGURED);
		if (configured != null) {
			// Sending the blank value itself must not open the API.
			assertThat(unset.check(request(configured))).isEqualTo(AdminDecision.NOT_CONFIGURED);
		}
	}

	@Test
	void noHeaderIsUnauthenticated() {
		assertThat(this.guard.check(request())).isEqualTo(AdminDecision.UNAUTHENTICATED);
	}

	@Test
	void anonymousAuthenticationCountsAsNoCredential() {
		SecurityContextHolder.setContext(new SecurityContextImpl(new AnonymousAuthenticationToken("key",
				"anonymousUser", AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS"))));
		assertThat(this.guard.check(request())).isEqualTo(AdminDecision.UNAUTHENTICATED);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "wrong", "adm-7Hq2-Vx9p-LL03-zzQ", "adm-7Hq2-Vx9p-LL03-zzQkk",
			"ADM-7HQ2-VX9P-LL03-ZZQK", " adm-7Hq2-Vx9p-LL03-zzQk", "adm-7Hq2-Vx9p-LL03-zzQk ",
			"Bearer adm-7Hq2-Vx9p-LL03-zzQk", "adm-7Hq2-Vx9p-LL03-zzQk,adm-7Hq2-Vx9p-LL03-zzQk" })
	void wrongOrEmptyTokenIsForbidden(String sent) {
		assertThat(this.guard.check(request(sent))).isEqualTo(AdminDecision.FORBIDDEN);
	}

	@Test
	void repeatedHeaderIsForbiddenEvenWhenOneIsRight() {
		assertThat(this.guard.check(request(TOKEN, TOKEN))).isEqualTo(AdminDecision.FORBIDDEN);
		assertThat(this.guard.check(request("wrong", TOKEN))).isEqualTo(AdminDecision.FORBIDDEN);
		assertThat(this.guard.check(request(TOKEN, "wrong"))).isEqualTo(AdminDecision.FORBIDDEN);
	}

	@Test
	void rightTokenIsAllowed() {
		assertThat(this.guard.check(request(TOKEN))).isEqualTo(AdminDecision.ALLOWED);
	}

	@Test
	void headerNameIsCaseInsensitive() {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/admin/tenants");
		request.addHeader("x-admin-token", TOKEN);
		assertThat(this.guard.check(request)).isEqualTo(AdminDecision.ALLOWED);
	}

	@Test
	void adminScopeIsAllowedEvenWithoutAConfiguredToken() {
		TestAuthentication.signIn(Map.of(), "SCOPE_tenancy.admin");
		assertThat(new AdminGuard(null, "tenancy.admin").check(request())).isEqualTo(AdminDecision.ALLOWED);
		assertThat(new AdminGuard(" ", "tenancy.admin").check(request("wrong"))).isEqualTo(AdminDecision.ALLOWED);
		assertThat(this.guard.check(request())).isEqualTo(AdminDecision.ALLOWED);
	}

	@Test
	void customScope() {
		AdminGuard custom = new AdminGuard(null, " ops.admin ");
		TestAuthentication.signIn(Map.of(), "SCOPE_tenancy.admin");
		assertThat(custom.check(request())).isEqualTo(AdminDecision.NOT_CONFIGURED);
		TestAuthentication.signIn(Map.of(), "SCOPE_ops.admin");
		assertThat(custom.check(request())).isEqualTo(AdminDecision.ALLOWED);
	}

	@Test
	void scopeCanBeDisabled() {
		AdminGuard tokenOnly = new AdminGuard(TOKEN, null);
		TestAuthentication.signIn(Map.of(), "SCOPE_tenancy.admin");
		assertThat(tokenOnly.check(request())).isEqualTo(AdminDecision.FORBIDDEN);
		assertThat(tokenOnly.check(request(TOKEN))).isEqualTo(AdminDecision.ALLOWED);
	}

	@Test
	void nonAdminJwtIsForbidden() {
		TestAuthentication.signIn(Map.of("tenant_id", "acme"), "SCOPE_read", "SCOPE_tenancy");
		assertThat(this.guard.check(request())).isEqualTo(AdminDecision.FORBIDDEN);
		assertThat(this.guard.check(request("wrong"))).isEqualTo(AdminDecision.FORBIDDEN);
	}

	@Test
	void nonAdminJwtWithoutConfiguredTokenIsNotConfigured() {
		TestAuthentication.signIn(Map.of("tenant_id", "acme"), "SCOPE_read");
		assertThat(new AdminGuard(null, "tenancy.admin").check(request())).isEqualTo(AdminDecision.NOT_CONFIGURED);
	}

	@Test
	void adminAuthorityOnAnUnauthenticatedTokenDoesNotCount() {
		TestingAuthenticationToken notAuthenticated = new TestingAuthenticationToken("ops", null,
				"SCOPE_tenancy.admin");
		notAuthenticated.setAuthenticated(false);
		SecurityContextHolder.setContext(new SecurityContextImpl(notAuthenticated));
		assertThat(new AdminGuard(null, "tenancy.admin").check(request())).isEqualTo(AdminDecision.NOT_CONFIGURED);
		assertThat(this.guard.check(request())).isEqualTo(AdminDecision.UNAUTHENTICATED);
	}

	@Test
	void adminClaimWithoutTheScopeAuthorityDoesNotCount() {
		// The scope must be a granted authority (from the verified token), not just a claim value.
		TestAuthentication.signIn(Map.of("scope", "tenancy.admin"), "SCOPE_read");
		assertThat(this.guard.check(request())).isEqualTo(AdminDecision.FORBIDDEN);
	}

	@Test
	void toStringNeverContainsTheToken() {
		assertThat(this.guard.toString()).doesNotContain(TOKEN)
			.doesNotContain("adm-")
			.contains("configured");
		assertThat(new AdminGuard(null, "tenancy.admin").toString()).contains("unset");
	}

	@Test
	void tokenIsNotKeptInPlainText() throws Exception {
		for (Field field : AdminGuard.class.getDeclaredFields()) {
			if (Modifier.isStatic(field.getModifiers())) {
				continue;
			}
			field.setAccessible(true);
			Object value = field.get(this.guard);
			assertThat(String.valueOf(value)).as(field.getName()).doesNotContain(TOKEN);
			if (value instanceof byte[] bytes) {
				assertThat(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).doesNotContain(TOKEN);
			}
		}
	}

}
