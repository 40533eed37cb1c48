package dev.tenancy.autoconfigure;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.context.support.WebApplicationContextUtils;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.annotation.web.configurers.CsrfConfigurer;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.resource.OAuth2ResourceServerConfigurer;
import org.springframework.security.core.Authentication;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.ExceptionTranslationFilter;
import org.springframework.security.web.authentication.DelegatingAuthenticationEntryPoint;
import org.springframework.security.web.authentication.Http403ForbiddenEntryPoint;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.logout.LogoutFilter;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.ClassUtils;

import dev.tenancy.admin.AdminGuard;
import dev.tenancy.ratelimit.FailedAttemptThrottle;
import dev.tenancy.web.AccessDeniedProblemFilter;
import dev.tenancy.web.AdminAuthorizationManager;
import dev.tenancy.web.AdminPathMatcher;
import dev.tenancy.web.AdminTokenAuthentication;
import dev.tenancy.web.ProblemAccessDeniedHandler;
import dev.tenancy.web.ProblemAuthenticationEntryPoint;
import dev.tenancy.web.PublicPathBearerTokenResolver;
import dev.tenancy.web.UnpublishedResourceMetadataFilter;

/**
 * Applies Tenancy to a security filter chain the application builds itself:
 *
 * <pre class="code">
 * import static dev.tenancy.autoconfigure.TenancyHttpConfigurer.tenancy;
 *
 * &#064;Bean
 * SecurityFilterChain app(HttpSecurity http) throws Exception {
 *     http.authorizeHttpRequests((requests) -&gt; requests.requestMatchers("/app/**").authenticated()
 *             .anyRequest().permitAll())
 *         .formLogin(Customizer.withDefaults())
 *         .with(tenancy(), Customizer.withDefaults());
 *     return http.build();
 * }
 * </pre>
 *
 * It adds what the starter's own chain has (the starter builds its default chain with
 * it):
 * <ul>
 * <li>the admin rule first, ahead of the application's own URL rules, for the admin paths
 * ({@code tenancy.admin.paths}): an administrator (the bootstrap {@code X-Admin-Token},
 * the admin JWT scope, or the {@value AdminGuard#ADMIN_AUTHORITY} authority) or nobody.
 * It is attached to the chain's {@code authorizeHttpRequests} authorization manager
 * through an {@link ObjectPostProcessor}, so it does not matter whether
 * {@code with(tenancy(), ...)} comes before or after {@code anyRequest()}; a chain
 * without URL rules gets a permit-all rule set with the admin rule in front;</li>
 * <li>the bootstrap {@code X-Admin-Token} authentication on the admin paths, with the
 * throttle of wrong tokens;</li>
 * <li>admin answers: 401 without a credential, 403 with a wrong or insufficient one, 503
 * {@code admin_not_configured} when neither a bootstrap token nor a {@code JwtDecoder}
 * exists, all problem+json, whatever entry point the chain has;</li>
 * <li>problem+json 401/403 as the chain's default entry point and access-denied handler
 * for requests that do not ask for HTML (a form login's redirect keeps HTML
 * navigations);</li>
 * <li>with a {@code JwtDecoder}: the bearer JWT resource server with problem+json answers
 * and a token resolver that ignores tokens on public paths; the protected resource
 * metadata from {@code tenancy.security.resource-base-url} (404 when unset)
 * ({@link #resourceServer(boolean)});</li>
 * <li>the {@code Content-Security-Policy} and HSTS headers
 * ({@link #headers(boolean)}).</li>
 * </ul>
 * Session policy, CSRF and the application's own URL rules stay the application's; only
 * admin requests that carry {@code X-Admin-Token} are exempt from CSRF protection (a
 * custom header is not an ambient credential).
 */
public final class TenancyHttpConfigurer extends AbstractHttpConfigurer<TenancyHttpConfigurer, HttpSecurity> {

	private static final boolean RESOURCE_SERVER_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.oauth2.server.resource.web.BearerTokenResolver",
			TenancyHttpConfigurer.class.getClassLoader())
			&& ClassUtils.isPresent("org.springframework.security.oauth2.jwt.JwtDecoder",
					TenancyHttpConfigurer.class.getClassLoader());

	private boolean headers = true;

	private boolean resourceServer = true;

	private Settings settings;

	private final DefaultEntryPointProbe probe = new DefaultEntryPointProbe();

	private ProblemAuthenticationEntryPoint entryPoint;

	private RequestMatcher notHtml;

	/**
	 * A configurer to apply with {@code http.with(tenancy(), withDefaults())}.
	 * @return a new configurer
	 */
	public static TenancyHttpConfigurer tenancy() {
		return new TenancyHttpConfigurer();
	}

	/**
	 * Whether to set the {@code Content-Security-Policy}
	 * ({@code tenancy.security.content-security-policy}) and HSTS headers. Turn off for a
	 * chain that serves HTML pages with a policy of its own.
	 * @param headers whether to set the headers (default {@code true})
	 * @return this configurer
	 */
	public TenancyHttpConfigurer headers(boolean headers) {
		this.headers = headers;
		return this;
	}

	/**
	 * Whether to configure the bearer JWT resource server when a {@code JwtDecoder}
	 * exists (its entry point, access-denied handler and bearer token resolver). Turn off
	 * when the chain configures its resource server entirely itself; the admin JWT scope
	 * then works as far as that resource server authenticates the token.
	 * @param resourceServer whether to configure it (default {@code true})
	 * @return this configurer
	 */
	public TenancyHttpConfigurer resourceServer(boolean resourceServer) {
		this.resourceServer = resourceServer;
		return this;
	}

	@Override
	public void init(HttpSecurity http) {
		Settings settings = settings(http);
		ProblemAuthenticationEntryPoint entryPoint = new ProblemAuthenticationEntryPoint((settings.resource() != null)
				? settings.resource() + UnpublishedResourceMetadataFilter.METADATA_PATH : null);
		this.entryPoint = entryPoint;
		ProblemAccessDeniedHandler accessDenied = new ProblemAccessDeniedHandler();
		MediaTypeRequestMatcher html = new MediaTypeRequestMatcher(MediaType.TEXT_HTML);
		html.setIgnoredMediaTypes(java.util.Set.of(MediaType.ALL));
		RequestMatcher notHtml = new NegatedRequestMatcher(html);
		this.notHtml = notHtml;
		http.exceptionHandling((exceptions) -> exceptions.defaultAuthenticationEntryPointFor(entryPoint, notHtml)
			.defaultAccessDeniedHandlerFor(accessDenied, notHtml)
			.withObjectPostProcessor(this.probe));
		if (this.resourceServer && settings.jwtDecoder()) {
			List<String> publicPaths = settings.security().publicPaths();
			// A chain that set up its own resource server (opaque tokens, say) keeps its
			// token type.
			boolean own = http.getConfigurer(OAuth2ResourceServerConfigurer.class) != null;
			http.oauth2ResourceServer(
					(resourceServer) -> (own ? resourceServer : resourceServer.jwt(Customizer.withDefaults()))
						.authenticationEntryPoint(entryPoint)
						.accessDeniedHandler(accessDenied)
						// Public paths ignore bearer tokens, so a health check never
						// waits for the identity provider.
						.bearerTokenResolver(new PublicPathBearerTokenResolver(publicPaths)));
			if (settings.resource() != null) {
				String resource = settings.resource();
				http.oauth2ResourceServer(
						(resourceServer) -> resourceServer.protectedResourceMetadata((metadata) -> metadata
							.protectedResourceMetadataCustomizer((builder) -> builder.resource(resource))));
			}
		}
		if (this.headers) {
			TenancySecurityProperties security = settings.security();
			http.headers((headers) -> {
				headers.contentSecurityPolicy((csp) -> csp.policyDirectives(security.contentSecurityPolicy()));
				if (settings.hsts()) {
					headers.httpStrictTransportSecurity(
							(hsts) -> hsts.maxAgeInSeconds(security.hsts().maxAge().toSeconds())
								.includeSubDomains(security.hsts().includeSubdomains()));
				}
				else {
					headers.httpStrictTransportSecurity((hsts) -> hsts.disable());
				}
			});
		}
		if (http.getConfigurer(CsrfConfigurer.class) != null) {
			// A custom header is no ambient credential a foreign site could make a
			// browser send, so
			// admin requests that carry X-Admin-Token need no CSRF token (as bearer
			// requests do not).
			RequestMatcher adminPaths = settings.adminPaths();
			http.csrf((csrf) -> csrf.ignoringRequestMatchers(
					(request) -> adminPaths.matches(request) && request.getHeader(AdminGuard.TOKEN_HEADER) != null));
		}
		if (http.getConfigurer(AuthorizeHttpRequestsConfigurer.class) == null) {
			// A chain without URL rules lets everything through; it still does, except
			// the admin paths.
			http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll());
		}
		http.getConfigurer(AuthorizeHttpRequestsConfigurer.class)
			.withObjectPostProcessor(new AdminRuleFirst(settings.adminPaths(),
					new AdminAuthorizationManager(settings.guard()), ManagementPortEndpoints
						.openOnManagementPort(http.getSharedObject(ApplicationContext.class).getEnvironment())));
	}

	@Override
	public void configure(HttpSecurity http) {
		Settings settings = settings(http);
		if (settings.adminConfigured()) {
			http.addFilterBefore(
					AdminTokenAuthentication.filter(settings.guard(), settings.adminPaths(), settings.throttle()),
					AnonymousAuthenticationFilter.class);
		}
		AccessDeniedProblemFilter denied = new AccessDeniedProblemFilter(settings.adminPaths(),
				settings.adminConfigured(), this.entryPoint);
		if (this.resourceServer && settings.jwtDecoder()) {
			// A resource server the application configured before this configurer
			// registered
			// Spring Security's bearer entry point as the chain's default ahead of ours;
			// while the
			// chain's entry point is a default one, API denials are answered as
			// problem+json anyway.
			denied.useProblemDefaults(this.probe::defaultsInUse, this.notHtml);
		}
		http.addFilterAfter(denied, ExceptionTranslationFilter.class);
		if (this.resourceServer && settings.jwtDecoder() && settings.resource() == null) {
			// Spring Security would build the metadata from the Host header: publish
			// none.
			http.addFilterBefore(new UnpublishedResourceMetadataFilter(), LogoutFilter.class);
		}
	}

	private Settings settings(HttpSecurity http) {
		if (this.settings == null) {
			this.settings = Settings.of(http.getSharedObject(ApplicationContext.class));
		}
		return this.settings;
	}

	/**
	 * Whether HSTS is on: forced by {@code tenancy.security.hsts.enabled}, else on except
	 * in the {@code local} and {@code dev} profiles.
	 * @param hsts the settings
	 * @param environment the environment
	 * @return whether to send HSTS
	 */
	public static boolean hstsEnabled(TenancySecurityProperties.Hsts hsts, Environment environment) {
		if (hsts.enabled() != null) {
			return hsts.enabled();
		}
		return !environment.acceptsProfiles(Profiles.of("local", "dev"));
	}

	/** What the configurer reads from the application context, once per chain. */
	private record Settings(TenancySecurityProperties security, AdminGuard guard, AdminPathMatcher adminPaths,
			FailedAttemptThrottle throttle, boolean jwtDecoder, boolean hsts) {

		static Settings of(ApplicationContext context) {
			Environment environment = context.getEnvironment();
			Binder binder = Binder.get(environment);
			TenancySecurityProperties security = context.getBeanProvider(TenancySecurityProperties.class)
				.getIfAvailable(() -> binder.bindOrCreate("tenancy.security", TenancySecurityProperties.class));
			TenancyAdminProperties admin = context.getBeanProvider(TenancyAdminProperties.class)
				.getIfAvailable(() -> binder.bindOrCreate("tenancy.admin", TenancyAdminProperties.class));
			AdminGuard guard = context.getBeanProvider(AdminGuard.class)
				.getIfAvailable(() -> new AdminGuard(admin.token(), admin.scope()));
			FailedAttemptThrottle throttle = context
				.containsBean(TenancyFailedAttemptsAutoConfiguration.ADMIN_THROTTLE_BEAN)
						? context.getBean(TenancyFailedAttemptsAutoConfiguration.ADMIN_THROTTLE_BEAN,
								FailedAttemptThrottle.class)
						: null;
			boolean jwtDecoder = RESOURCE_SERVER_PRESENT
					&& context.getBeanNamesForType(org.springframework.security.oauth2.jwt.JwtDecoder.class).length > 0;
			return new Settings(security, guard, new AdminPathMatcher(admin.guardedPaths()), throttle, jwtDecoder,
					hstsEnabled(security.hsts(), environment));
		}

		String resource() {
			return this.security.resourceIdentifier();
		}

		/**
		 * Whether any admin credential mechanism exists: a bootstrap token or a JWT
		 * decoder.
		 */
		boolean adminConfigured() {
			return this.guard.tokenConfigured() || this.jwtDecoder;
		}

	}

	/**
	 * Notes whether the chain's entry point is one of Spring Security's defaults rather
	 * than one the application set with
	 * {@code exceptionHandling().authenticationEntryPoint(...)}.
	 */
	static final class DefaultEntryPointProbe implements ObjectPostProcessor<ExceptionTranslationFilter> {

		private volatile boolean defaultsInUse;

		@Override
		public <O extends ExceptionTranslationFilter> O postProcess(O filter) {
			AuthenticationEntryPoint entryPoint = filter.getAuthenticationEntryPoint();
			this.defaultsInUse = entryPoint instanceof DelegatingAuthenticationEntryPoint
					|| entryPoint instanceof Http403ForbiddenEntryPoint
					|| entryPoint instanceof ProblemAuthenticationEntryPoint
					|| entryPoint.getClass()
						.getName()
						.equals("org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint");
			return filter;
		}

		boolean defaultsInUse() {
			return this.defaultsInUse;
		}

	}

	/**
	 * Puts the admin rule in front of the chain's URL rules: admin paths are decided by
	 * the admin rule alone, everything else by the application's rules.
	 */
	static final class AdminRuleFirst implements ObjectPostProcessor<AuthorizationManager<HttpServletRequest>> {

		private final RequestMatcher adminPaths;

		private final AuthorizationManager<HttpServletRequest> adminRule;

		// Health and Prometheus on the management server's own port: open to the
		// platform (kubelet, Prometheus) whatever the chain's own rules say.
		private final RequestMatcher managementEndpoints;

		AdminRuleFirst(RequestMatcher adminPaths, AuthorizationManager<HttpServletRequest> adminRule,
				RequestMatcher managementEndpoints) {
			this.adminPaths = adminPaths;
			this.adminRule = adminRule;
			this.managementEndpoints = managementEndpoints;
		}

		@Override
		@SuppressWarnings("unchecked")
		public <O extends AuthorizationManager<HttpServletRequest>> O postProcess(O rules) {
			AuthorizationManager<HttpServletRequest> adminFirst = new AuthorizationManager<>() {

				@Override
				public AuthorizationResult authorize(Supplier<? extends Authentication> authentication,
						HttpServletRequest request) {
					if (AdminRuleFirst.this.managementEndpoints.matches(request)) {
						return new AuthorizationDecision(true);
					}
					return AdminRuleFirst.this.adminPaths.matches(request)
							? AdminRuleFirst.this.adminRule.authorize(authentication, request)
							: rules.authorize(authentication, request);
				}

				@Override
				public String toString() {
					return "AdminRuleFirst[" + AdminRuleFirst.this.adminPaths + " -> " + AdminRuleFirst.this.adminRule
							+ ", otherwise " + rules + "]";
				}

			};
			return (O) adminFirst;
		}

	}

	/**
	 * The actuator endpoints the platform reads without a token ({@code health} with its
	 * probes, {@code prometheus}) on the management server's own port: that port is
	 * reached by the kubelet and Prometheus inside the cluster and is not published, so
	 * the network is its protection. Requests on the application's port never match (on a
	 * shared port the endpoints stay behind the application's rules: health is a public
	 * path anyway, Prometheus then needs a token).
	 */
	static final class ManagementPortEndpoints implements RequestMatcher {

		private static final String MANAGEMENT = "management";

		private final RequestMatcher paths;

		private ManagementPortEndpoints(String basePath) {
			PathPatternRequestMatcher.Builder builder = PathPatternRequestMatcher.withDefaults();
			this.paths = new OrRequestMatcher(Stream.of("/health", "/health/**", "/prometheus")
				.map((endpoint) -> (RequestMatcher) builder.matcher(basePath + endpoint))
				.toList());
		}

		/**
		 * @param environment the application's environment
		 * @return a matcher of those endpoints on the management port
		 */
		static RequestMatcher openOnManagementPort(Environment environment) {
			String basePath = environment.getProperty("management.endpoints.web.base-path", "/actuator");
			// Boot cleans the base path (no trailing slash); "/" puts the endpoints at
			// the root
			return new ManagementPortEndpoints("/".equals(basePath) ? "" : basePath);
		}

		@Override
		public boolean matches(HttpServletRequest request) {
			WebApplicationContext context = WebApplicationContextUtils
				.getWebApplicationContext(request.getServletContext());
			// Only the management server's own context has this namespace (a separate
			// port).
			return context != null && WebServerApplicationContext.hasServerNamespace(context, MANAGEMENT)
					&& this.paths.matches(request);
		}

	}

}
