package dev.tenancy.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.TaskExecutor;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.web.SecurityFilterChain;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.test.TestAuthentication;
import dev.tenancy.admin.AdminGuard;
import dev.tenancy.admin.TenantAdminController;
import dev.tenancy.context.TenantContext;
import dev.tenancy.registry.InMemoryTenantRegistry;
import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.resolve.CompositeTenantResolver;
import dev.tenancy.resolve.HeaderTenantResolver;
import dev.tenancy.resolve.HostTenantResolver;
import dev.tenancy.resolve.JwtClaimTenantResolver;
import dev.tenancy.resolve.PathTenantResolver;
import dev.tenancy.resolve.TenantResolutionException;
import dev.tenancy.resolve.TenantResolver;
import dev.tenancy.web.AdminGuardFilter;
import dev.tenancy.web.InternalErrorExceptionResolver;
import dev.tenancy.web.TenantIsolationFilter;

import static org.assertj.core.api.Assertions.assertThat;

class TenancyAutoConfigurationTest {

	private static final AutoConfigurations ALL = AutoConfigurations.of(TenancyAutoConfiguration.class,
			TenancyRegistryAutoConfiguration.class, TenancyErrorsAutoConfiguration.class,
			TenancyAdminAutoConfiguration.class, TenancySecurityAutoConfiguration.class,
			TenancyContextPropagationAutoConfiguration.class, SecurityAutoConfiguration.class,
			ServletWebSecurityAutoConfiguration.class, OAuth2ResourceServerAutoConfiguration.class,
			TaskExecutionAutoConfiguration.class);

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner().withConfiguration(ALL);

	@AfterEach
	void clearSecurityContext() {
		TestAuthentication.clear();
	}

	@SuppressWarnings("unchecked")
	private static TenantIsolationFilter isolationFilter(AssertableWebApplicationContext context) {
		return ((FilterRegistrationBean<TenantIsolationFilter>) context.getBean("tenantIsolationFilter",
				FilterRegistrationBean.class))
			.getFilter();
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause;
	}

	private static String allMessages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable t = failure; t != null; t = (t.getCause() == t) ? null : t.getCause()) {
			messages.append(t.getMessage()).append('\n');
		}
		return messages.toString();
	}

	@Test
	void defaults() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasBean("tenantIsolationFilter");
			assertThat(context).hasSingleBean(InMemoryTenantRegistry.class);
			assertThat(context).hasSingleBean(CompositeTenantResolver.class);
			assertThat(context).hasSingleBean(JwtClaimTenantResolver.class);
			assertThat(context).hasSingleBean(HeaderTenantResolver.class);
			assertThat(context).doesNotHaveBean(HostTenantResolver.class);
			assertThat(context).doesNotHaveBean(PathTenantResolver.class);
			assertThat(context).hasSingleBean(AdminGuard.class);
			assertThat(context).hasBean("adminGuardFilter");
			assertThat(context).doesNotHaveBean(TenantAdminController.class);
			assertThat(context).hasBean("tenancySecurityFilterChain");
			assertThat(context).hasBean("tenancyJwtValidator");
			assertThat(context).hasSingleBean(InternalErrorExceptionResolver.class);
			assertThat(context).hasBean("tenancyInternalErrorFilter");
			assertThat(context).getBean(TaskDecorator.class).isInstanceOf(ContextPropagatingTaskDecorator.class);
			assertThat(context.getBean(InMemoryTenantRegistry.class).findAll()).isEmpty();
		});
	}

	@Test
	void theErrorSafetyNetStaysWhenTenantIsolationIsOff() {
		// The config server runs with tenancy.enabled=false: a write that failed on a
		// dropped
		// database connection must still be a 5xx there, never Spring MVC's empty 200.
		this.runner.withPropertyValues("tenancy.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean("tenantIsolationFilter");
			assertThat(context).hasSingleBean(InternalErrorExceptionResolver.class);
			assertThat(context).hasBean("tenancyInternalErrorFilter");
			assertThat(context).hasBean("disconnectAwareExceptionResolverConfigurer");
		});
	}

	@Test
	void filtersRunAfterSpringSecurity() {
		this.runner.run((context) -> {
			FilterRegistrationBean<?> tenant = context.getBean("tenantIsolationFilter", FilterRegistrationBean.class);
			FilterRegistrationBean<?> admin = context.getBean("adminGuardFilter", FilterRegistrationBean.class);
			assertThat(tenant.getOrder()).isGreaterThan(SecurityFilterProperties.DEFAULT_FILTER_ORDER);
			assertThat(admin.getOrder()).isGreaterThan(SecurityFilterProperties.DEFAULT_FILTER_ORDER);
			assertThat(admin.getFilter()).isInstanceOf(AdminGuardFilter.class);
			FilterRegistrationBean<?> errors = context.getBean("tenancyInternalErrorFilter",
					FilterRegistrationBean.class);
			assertThat(errors.getOrder()).isLessThan(SecurityFilterProperties.DEFAULT_FILTER_ORDER);
		});
	}

	@Test
	void defaultResolversEnforceTheTokenOverTheHeader() {
		this.runner.run((context) -> {
			CompositeTenantResolver resolver = context.getBean(CompositeTenantResolver.class);
			TestAuthentication.signInAs("acme");
			MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/trips");
			assertThat(resolver.resolve(request)).contains(TenantId.of("acme"));
			request.addHeader("X-Client-ID", "globex");
			assertThat(resolver).satisfies((r) -> {
				try {
					r.resolve(request);
					throw new AssertionError("expected a mismatch");
				}
				catch (TenantResolutionException ex) {
					assertThat(ex.error().code()).isEqualTo("tenant_mismatch");
				}
			});
		});
	}

	@Test
	void disabledTenancyHasNoIsolationFilter() {
		this.runner.withPropertyValues("tenancy.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean("tenantIsolationFilter");
			// The registry is not part of request isolation: non-web apps and the config
			// server use it too.
			assertThat(context).doesNotHaveBean(CompositeTenantResolver.class);
			assertThat(context).doesNotHaveBean(TenantResolver.class);
			assertThat(context.getBeansOfType(FilterRegistrationBean.class).values())
				.noneMatch((registration) -> registration.getFilter() instanceof TenantIsolationFilter);
		});
	}

	@Test
	void nonWebApplicationGetsNoFilters() {
		new ApplicationContextRunner().withConfiguration(ALL).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean("tenantIsolationFilter");
			assertThat(context).doesNotHaveBean(AdminGuard.class);
			assertThat(context).doesNotHaveBean("tenancySecurityFilterChain");
			// Context propagation is useful without a web server too.
			assertThat(context).hasSingleBean(TaskDecorator.class);
		});
	}

	@Test
	void hostResolverOnlyWhenEnabled() {
		this.runner
			.withPropertyValues("tenancy.resolution.host.enabled=true",
					"tenancy.resolution.host.base-domain=travel.example", "tenancy.resolution.require-grant=false")
			.run((context) -> {
				assertThat(context).hasSingleBean(HostTenantResolver.class);
				MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/trips");
				request.setServerName("globex.travel.example");
				assertThat(context.getBean(CompositeTenantResolver.class).resolve(request))
					.contains(TenantId.of("globex"));
			});
		this.runner.withPropertyValues("tenancy.resolution.host.base-domain=travel.example")
			.run((context) -> assertThat(context).doesNotHaveBean(HostTenantResolver.class));
	}

	@Test
	void hostResolverWithoutBaseDomainFailsStartup() {
		this.runner.withPropertyValues("tenancy.resolution.host.enabled=true").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(allMessages(context.getStartupFailure())).contains("tenancy.resolution.host.base-domain");
			assertThat(rootCause(context.getStartupFailure()))
				.hasMessageContaining("tenancy.resolution.host.base-domain");
		});
	}

	@Test
	void pathResolverOnlyWhenEnabled() {
		this.runner
			.withPropertyValues("tenancy.resolution.path.enabled=true", "tenancy.resolution.path.prefix=/tenants",
					"tenancy.resolution.require-grant=false")
			.run((context) -> {
				assertThat(context).hasSingleBean(PathTenantResolver.class);
				assertThat(context.getBean(CompositeTenantResolver.class)
					.resolve(new MockHttpServletRequest("GET", "/tenants/acme/trips"))).contains(TenantId.of("acme"));
			});
	}

	@Test
	void jwtAndHeaderResolversCanBeSwitchedOff() {
		this.runner.withPropertyValues("tenancy.resolution.jwt.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(JwtClaimTenantResolver.class);
			assertThat(context).hasSingleBean(HeaderTenantResolver.class);
		});
		this.runner.withPropertyValues("tenancy.resolution.header.enabled=false").run((context) -> {
			assertThat(context).hasSingleBean(JwtClaimTenantResolver.class);
			assertThat(context).doesNotHaveBean(HeaderTenantResolver.class);
			TestAuthentication.signInAs("acme");
			MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/trips");
			request.addHeader("X-Client-ID", "globex");
			// With the header source off, the header is ignored and the token decides.
			assertThat(context.getBean(CompositeTenantResolver.class).resolve(request)).contains(TenantId.of("acme"));
		});
	}

	@Test
	void customClaimAndHeaderNames() {
		this.runner
			.withPropertyValues("tenancy.resolution.jwt.claim=org", "tenancy.resolution.header.names=X-Org",
					"tenancy.resolution.require-grant=false")
			.run((context) -> {
				MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/trips");
				request.addHeader("X-Org", "initech");
				request.addHeader("X-Client-ID", "acme");
				assertThat(context.getBean(CompositeTenantResolver.class).resolve(request))
					.contains(TenantId.of("initech"));
			});
	}

	@Test
	void adminApiIsOptIn() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(TenantAdminController.class));
		this.runner.withPropertyValues("tenancy.admin.api.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(TenantAdminController.class));
		this.runner.withPropertyValues("tenancy.admin.api.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TenantAdminController.class));
	}

	@Test
	void adminGuardUsesTheConfiguredTokenAndNeverShowsIt() {
		this.runner.withPropertyValues("tenancy.admin.token=s3cret-bootstrap-token").run((context) -> {
			AdminGuard guard = context.getBean(AdminGuard.class);
			assertThat(guard.tokenMatches("s3cret-bootstrap-token")).isTrue();
			assertThat(guard.tokenMatches("s3cret-bootstrap-token2")).isFalse();
			assertThat(guard.toString()).doesNotContain("s3cret");
			assertThat(context.getBean(TenancyAdminProperties.class).toString()).doesNotContain("s3cret");
		});
		this.runner.withPropertyValues("tenancy.admin.token=  ").run((context) -> {
			assertThat(context.getBean(AdminGuard.class).tokenConfigured()).isFalse();
			assertThat(context.getBean(AdminGuard.class).tokenMatches("  ")).isFalse();
		});
	}

	@Test
	void securityChainCanBeSwitchedOff() {
		this.runner.withPropertyValues("tenancy.security.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean("tenancySecurityFilterChain");
			// Tenant isolation itself stays.
			assertThat(context).hasBean("tenantIsolationFilter");
		});
		this.runner.run((context) -> assertThat(context).getBean("tenancySecurityFilterChain")
			.isInstanceOf(SecurityFilterChain.class));
	}

	@Test
	void contextPropagationCanBeSwitchedOff() {
		this.runner.withPropertyValues("tenancy.context-propagation.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TaskDecorator.class));
	}

	@Test
	void backsOffForAUserRegistry() {
		this.runner.withUserConfiguration(UserRegistryConfiguration.class)
			.withPropertyValues("tenancy.tenants.acme.display-name=Ignored")
			.run((context) -> {
				assertThat(context).hasSingleBean(TenantRegistry.class);
				assertThat(context).doesNotHaveBean(InMemoryTenantRegistry.class);
				CountingRegistry registry = context.getBean(CountingRegistry.class);
				// The isolation filter uses the user's registry.
				TestAuthentication.signInAs("globex");
				MockHttpServletResponse response = new MockHttpServletResponse();
				MockFilterChain chain = new MockFilterChain();
				isolationFilter(context).doFilter(new MockHttpServletRequest("GET", "/api/trips"), response, chain);
				assertThat(registry.calls.get()).isEqualTo(1);
				assertThat(response.getStatus()).isEqualTo(200);
				assertThat(chain.getRequest()).isNotNull();
			});
	}

	@Test
	void backsOffForAUserCompositeResolver() {
		this.runner.withUserConfiguration(UserResolverConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(CompositeTenantResolver.class);
			assertThat(context.getBean(CompositeTenantResolver.class))
				.isSameAs(context.getBean(UserResolverConfiguration.class).resolver);
		});
	}

	@Test
	void backsOffForAUserAdminGuard() {
		this.runner.withUserConfiguration(UserAdminGuardConfiguration.class)
			.withPropertyValues("tenancy.admin.token=from-properties")
			.run((context) -> {
				assertThat(context).hasSingleBean(AdminGuard.class);
				AdminGuard guard = context.getBean(AdminGuard.class);
				assertThat(guard.tokenMatches("from-user-bean")).isTrue();
				assertThat(guard.tokenMatches("from-properties")).isFalse();
			});
	}

	@Test
	void composesWithAUserTaskDecorator() {
		// Spring Boot composes every TaskDecorator bean: the application's and the
		// tenant's both apply.
		this.runner.withUserConfiguration(UserTaskDecoratorConfiguration.class).run((context) -> {
			assertThat(context.getBeansOfType(TaskDecorator.class)).containsOnlyKeys("userTaskDecorator",
					"tenancyTaskDecorator");
			TaskExecutor executor = context.getBean("applicationTaskExecutor", TaskExecutor.class);
			CompletableFuture<Optional<TenantId>> seen = new CompletableFuture<>();
			int before = UserTaskDecoratorConfiguration.USED.get();
			TenantContext.run(TenantId.of("acme"),
					() -> executor.execute(() -> seen.complete(TenantContext.current())));
			assertThat(seen.get(5, TimeUnit.SECONDS)).contains(TenantId.of("acme"));
			assertThat(UserTaskDecoratorConfiguration.USED.get()).isEqualTo(before + 1);
		});
		// a bean of the application named tenancyTaskDecorator replaces the tenant's
		this.runner
			.withBean("tenancyTaskDecorator", TaskDecorator.class, () -> UserTaskDecoratorConfiguration.DECORATOR)
			.run((context) -> assertThat(context.getBean(TaskDecorator.class))
				.isSameAs(UserTaskDecoratorConfiguration.DECORATOR));
	}

	@Test
	void tenantsFromProperties() {
		this.runner.withPropertyValues("tenancy.tenants.acme.display-name=Acme Travel",
				"tenancy.tenants.acme.config.plan=standard", "tenancy.tenants.acme.config.rate-limit.limit=1000",
				"tenancy.tenants.acme.config.rate-limit.window=PT1M",
				"tenancy.tenants.acme.config.rate-limit.costs.helpdesk=5",
				"tenancy.tenants.acme.config.features=trips,helpdesk",
				"tenancy.tenants.acme.config.email-domains=acme-travel.example",
				"tenancy.tenants.acme.config.locale=en-GB", "tenancy.tenants.acme.config.attributes.brandColour=#0a5",
				"tenancy.tenants.globex.display-name=Globex", "tenancy.tenants.initech.status=suspended")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TenantRegistry registry = context.getBean(TenantRegistry.class);
				assertThat(registry.findAll()).extracting((t) -> t.id().value())
					.containsExactly("acme", "globex", "initech");
				Tenant acme = registry.find(TenantId.of("acme")).orElseThrow();
				assertThat(acme.displayName()).isEqualTo("Acme Travel");
				assertThat(acme.status()).isEqualTo(TenantStatus.ACTIVE);
				TenantConfig config = acme.config();
				assertThat(config.plan()).isEqualTo("standard");
				assertThat(config.rateLimit().limit()).isEqualTo(1000);
				assertThat(config.rateLimit().window()).isEqualTo(Duration.ofMinutes(1));
				assertThat(config.rateLimit().burst()).isEqualTo(1000);
				assertThat(config.rateLimit().costs()).containsEntry("helpdesk", 5L);
				assertThat(config.features()).containsExactly("trips", "helpdesk");
				assertThat(config.emailDomains()).containsExactly("acme-travel.example");
				assertThat(config.locale()).isEqualTo("en-GB");
				assertThat(config.attributes()).containsEntry("brandColour", "#0a5");
				assertThat(registry.find(TenantId.of("initech")).orElseThrow().status())
					.isEqualTo(TenantStatus.SUSPENDED);
				assertThat(registry.find(TenantId.of("globex")).orElseThrow().config()).isEqualTo(TenantConfig.empty());
				assertThat(registry.find(TenantId.of("nosuch"))).isEmpty();
			});
	}

	@Test
	void invalidTenantKeyFailsStartupNamingTheKey() {
		for (String key : List.of("acme-", "[-acme]", "[Acme]", "[acme_travel]", "[a.b]")) {
			String plainKey = key.replace("[", "").replace("]", "");
			this.runner
				.withPropertyValues("tenancy.tenants" + (key.startsWith("[") ? "" : ".") + key + ".display-name=X")
				.run((context) -> {
					assertThat(context).as(key).hasFailed();
					assertThat(allMessages(context.getStartupFailure())).as(key)
						.contains("tenancy.tenants." + plainKey);
				});
		}
	}

	@Test
	void clockSkewAboveSixtySecondsFailsStartup() {
		this.runner.withPropertyValues("tenancy.security.jwt.clock-skew=61s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(allMessages(context.getStartupFailure())).contains("tenancy.security.jwt.clock-skew");
		});
		this.runner.withPropertyValues("tenancy.security.jwt.clock-skew=-1s")
			.run((context) -> assertThat(context).hasFailed());
		this.runner.withPropertyValues("tenancy.security.jwt.clock-skew=60s").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean("tenancyJwtValidator", OAuth2TokenValidator.class))
				.isInstanceOf(JwtTimestampValidator.class);
		});
	}

	@Test
	void jwtValidatorRequiresExpiryAndBoundsSkew() {
		this.runner.withPropertyValues("tenancy.security.jwt.clock-skew=30s").run((context) -> {
			@SuppressWarnings("unchecked")
			OAuth2TokenValidator<Jwt> validator = context.getBean("tenancyJwtValidator", OAuth2TokenValidator.class);
			java.time.Instant now = java.time.Instant.now();
			Jwt noExp = Jwt.withTokenValue("t").header("alg", "RS256").subject("u").issuedAt(now).build();
			Jwt fresh = Jwt.withTokenValue("t")
				.header("alg", "RS256")
				.subject("u")
				.expiresAt(now.plusSeconds(60))
				.build();
			Jwt slightlyExpired = Jwt.withTokenValue("t")
				.header("alg", "RS256")
				.subject("u")
				.expiresAt(now.minusSeconds(10))
				.build();
			Jwt expired = Jwt.withTokenValue("t")
				.header("alg", "RS256")
				.subject("u")
				.expiresAt(now.minusSeconds(45))
				.build();
			assertThat(validator.validate(noExp).hasErrors()).as("no exp").isTrue();
			assertThat(validator.validate(fresh).hasErrors()).as("fresh").isFalse();
			assertThat(validator.validate(slightlyExpired).hasErrors()).as("within skew").isFalse();
			assertThat(validator.validate(expired).hasErrors()).as("beyond skew").isTrue();
		});
	}

	@Test
	void hstsIsOnOutsideLocalAndDevUnlessForced() {
		TenancySecurityProperties.Hsts unset = new TenancySecurityProperties.Hsts(null, Duration.ofDays(365), true);
		TenancySecurityProperties.Hsts on = new TenancySecurityProperties.Hsts(true, Duration.ofDays(365), true);
		TenancySecurityProperties.Hsts off = new TenancySecurityProperties.Hsts(false, Duration.ofDays(365), true);
		MockEnvironment environment = new MockEnvironment();
		assertThat(TenancySecurityAutoConfiguration.hstsEnabled(unset, environment)).isTrue();
		environment.setActiveProfiles("prod");
		assertThat(TenancySecurityAutoConfiguration.hstsEnabled(unset, environment)).isTrue();
		assertThat(TenancySecurityAutoConfiguration.hstsEnabled(off, environment)).isFalse();
		environment.setActiveProfiles("local");
		assertThat(TenancySecurityAutoConfiguration.hstsEnabled(unset, environment)).isFalse();
		assertThat(TenancySecurityAutoConfiguration.hstsEnabled(on, environment)).isTrue();
		environment.setActiveProfiles("cloud", "dev");
		assertThat(TenancySecurityAutoConfiguration.hstsEnabled(unset, environment)).isFalse();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserRegistryConfiguration {

		@Bean
		CountingRegistry userRegistry() {
			return new CountingRegistry();
		}

	}

	static class CountingRegistry implements TenantRegistry {

		final AtomicInteger calls = new AtomicInteger();

		@Override
		public Optional<Tenant> find(TenantId id) {
			this.calls.incrementAndGet();
			return Optional.of(new Tenant(id, "User's " + id, TenantStatus.ACTIVE, null, 1));
		}

		@Override
		public List<Tenant> findAll() {
			return List.of();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserResolverConfiguration {

		final CompositeTenantResolver resolver = new CompositeTenantResolver(List.of(), false);

		@Bean
		CompositeTenantResolver userResolver() {
			return this.resolver;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserAdminGuardConfiguration {

		@Bean
		AdminGuard userAdminGuard() {
			return new AdminGuard("from-user-bean", null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTaskDecoratorConfiguration {

		static final AtomicInteger USED = new AtomicInteger();

		static final TaskDecorator DECORATOR = (runnable) -> () -> {
			USED.incrementAndGet();
			runnable.run();
		};

		@Bean
		TaskDecorator userTaskDecorator() {
			return DECORATOR;
		}

	}

}
