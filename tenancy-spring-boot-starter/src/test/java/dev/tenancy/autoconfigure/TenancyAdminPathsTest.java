package dev.tenancy.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import dev.tenancy.web.AdminGuardFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Moving {@code tenancy.admin.paths} must never leave the tenant admin API unguarded.
 */
class TenancyAdminPathsTest {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TenancyAutoConfiguration.class, TenancyRegistryAutoConfiguration.class, TenancyAdminAutoConfiguration.class));

	@Test
	void adminApiStaysGuardedWhenTheAdminPathsAreMoved() {
		this.runner.withPropertyValues("tenancy.admin.api.enabled=true", "tenancy.admin.paths=/ops/**")
			.run((context) -> {
				for (String path : new String[] { "/admin/tenants", "/admin/tenants/acme", "/admin/tenants/acme/audit",
						"/ops/anything" }) {
					MockFilterChain chain = new MockFilterChain();
					MockHttpServletResponse response = new MockHttpServletResponse();
					guard(context.getBean("adminGuardFilter", FilterRegistrationBean.class))
						.doFilter(new MockHttpServletRequest("POST", path), response, chain);
					assertThat(chain.getRequest()).as(path + " must not pass the guard").isNull();
					assertThat(response.getStatus()).as(path).isEqualTo(503);
				}
			});
	}

	@Test
	void guardedPathsAreOnlyTheConfiguredOnesWhenTheApiIsOff() {
		this.runner.withPropertyValues("tenancy.admin.paths=/ops/**")
			.run((context) -> assertThat(context.getBean(TenancyAdminProperties.class).guardedPaths())
				.containsExactly("/ops/**"));
	}

	private static AdminGuardFilter guard(FilterRegistrationBean<?> registration) {
		return (AdminGuardFilter) registration.getFilter();
	}

}
