package dev.tenancy.admin;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

import dev.tenancy.test.TestAuthentication;

import static org.assertj.core.api.Assertions.assertThat;

class AdminGuardTest {

	private static final String TOKEN = "adm-7Hq2-Vx9p-LL03-zzQk";

	private final AdminGuard guard = new AdminGuard(TOKEN, "tenancy.admin");

	@Test
	void onlyTheExactTokenMatches() {
		assertThat(this.guard.tokenMatches(TOKEN)).isTrue();
		assertThat(this.guard.tokenMatches(TOKEN + " ")).isFalse();
		assertThat(this.guard.tokenMatches(TOKEN.substring(1))).isFalse();
		assertThat(this.guard.tokenMatches(TOKEN.toUpperCase())).isFalse();
		assertThat(this.guard.tokenMatches("")).isFalse();
		assertThat(this.guard.tokenMatches(null)).isFalse();
	}

	@ParameterizedTest
	@NullSource
	@ValueSource(strings = { "", " ", "\t" })
	void anUnsetOrBlankTokenMatchesNothing(String configured) {
		AdminGuard unset = new AdminGuard(configured, "tenancy.admin");
		assertThat(unset.tokenConfigured()).isFalse();
		assertThat(unset.tokenMatches(configured)).isFalse();
		assertThat(unset.tokenMatches("")).isFalse();
		assertThat(unset.tokenMatches("anything")).isFalse();
	}

	@Test
	void theAdminAuthorityOrTheAdminScopeMakeAnAdministrator() {
		assertThat(this.guard.isAdmin(TestAuthentication.jwt(Map.of("sub", "ops"), "SCOPE_tenancy.admin"))).isTrue();
		assertThat(this.guard.isAdmin(new TestingAuthenticationToken("u", null, AdminGuard.ADMIN_AUTHORITY))).isTrue();
		assertThat(this.guard.isAdmin(TestAuthentication.jwt(Map.of("sub", "u"), "SCOPE_tenancy.read"))).isFalse();
		assertThat(this.guard.isAdmin(TestAuthentication.jwt(Map.of("sub", "u"), "tenancy.admin"))).isFalse();
		assertThat(this.guard.isAdmin(null)).isFalse();
	}

	@Test
	void anonymousOrUnauthenticatedIsNeverAnAdministrator() {
		assertThat(this.guard.isAdmin(new AnonymousAuthenticationToken("key", "anonymousUser",
				AuthorityUtils.createAuthorityList(AdminGuard.ADMIN_AUTHORITY))))
			.isFalse();
		TestingAuthenticationToken unauthenticated = new TestingAuthenticationToken("u", null,
				AdminGuard.ADMIN_AUTHORITY);
		unauthenticated.setAuthenticated(false);
		assertThat(this.guard.isAdmin(unauthenticated)).isFalse();
	}

	@Test
	void theScopeIsConfigurable() {
		AdminGuard custom = new AdminGuard(null, " ops.admin ");
		assertThat(custom.scopeAuthority()).isEqualTo("SCOPE_ops.admin");
		assertThat(custom.isAdmin(TestAuthentication.jwt(Map.of("sub", "ops"), "SCOPE_ops.admin"))).isTrue();
		assertThat(custom.isAdmin(TestAuthentication.jwt(Map.of("sub", "ops"), "SCOPE_tenancy.admin"))).isFalse();
		assertThat(new AdminGuard(TOKEN, " ").scopeAuthority()).isNull();
	}

	@Test
	void toStringNeverContainsTheToken() {
		assertThat(this.guard.toString()).doesNotContain(TOKEN).doesNotContain("adm-").contains("configured");
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
