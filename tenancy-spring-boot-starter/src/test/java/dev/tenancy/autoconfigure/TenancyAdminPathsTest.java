package dev.tenancy.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import dev.tenancy.web.AdminAuthorizationManager;
import dev.tenancy.web.AdminGuardFilter;
import dev.tenancy.web.TenantIsolationFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Moving {@code tenancy.admin.paths} must never leave the tenant admin API unguarded.
 */
class TenancyAdminPathsTest {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TenancyAutoConfiguration.class, TenancyRegistryAutoConfiguration.class,
				TenancyAdminAutoConfiguration.class));

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

	@Test
	void anAdminRequestTheAdminRuleGrantedPassesTheSafetyNet() {
		this.runner.run((context) -> {
			MockFilterChain chain = new MockFilterChain();
			MockHttpServletRequest request = new MockHttpServletRequest("GET", "/admin/tenants");
			request.setAttribute(AdminAuthorizationManager.GRANTED_ATTRIBUTE, Boolean.TRUE);
			guard(context.getBean("adminGuardFilter", FilterRegistrationBean.class)).doFilter(request,
					new MockHttpServletResponse(), chain);
			assertThat(chain.getRequest()).isSameAs(request);
		});
	}

	@Test
	void adminPathsAndAdditionalExemptPathsNeedNoTenant() {
		this.runner
			.withPropertyValues("tenancy.admin.paths=/ops/**,/actuator/**",
					"tenancy.resolution.additional-exempt-paths=/public/**")
			.run((context) -> {
				TenantIsolationFilter filter = (TenantIsolationFilter) context
					.getBean("tenantIsolationFilter", FilterRegistrationBean.class)
					.getFilter();
				for (String path : new String[] { "/ops/tenants", "/actuator/metrics", "/public/page",
						"/actuator/health", "/error" }) {
					MockFilterChain chain = new MockFilterChain();
					filter.doFilter(new MockHttpServletRequest("GET", path), new MockHttpServletResponse(), chain);
					assertThat(chain.getRequest()).as(path + " needs no tenant").isNotNull();
				}
				MockFilterChain chain = new MockFilterChain();
				MockHttpServletResponse response = new MockHttpServletResponse();
				filter.doFilter(new MockHttpServletRequest("GET", "/api/trips"), response, chain);
				assertThat(chain.getRequest()).isNull();
				assertThat(response.getStatus()).isEqualTo(400);
				// /admin/** is no longer an admin path, so it is an ordinary tenant path.
				chain = new MockFilterChain();
				filter.doFilter(new MockHttpServletRequest("GET", "/admin/x"), new MockHttpServletResponse(), chain);
				assertThat(chain.getRequest()).isNull();
			});
	}

	private static AdminGuardFilter guard(FilterRegistrationBean<?> registration) {
		return (AdminGuardFilter) registration.getFilter();
	}

}
