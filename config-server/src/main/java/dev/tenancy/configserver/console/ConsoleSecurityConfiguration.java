package dev.tenancy.configserver.console;

import java.time.Clock;
import java.util.LinkedHashMap;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.HttpSessionOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.access.DelegatingAccessDeniedHandler;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * The operator console's own security chain ({@code /console/**}), before the config
 * server's machine chains and untouched by them: a backend-for-frontend.
 *
 * <ul>
 * <li>Sign-in: Spring Security's OAuth 2.0 login (authorization code with PKCE, OpenID
 * Connect) at the registration {@code tenancy.config-server.console.registration-id}. The
 * tokens stay on the server, in the HTTP session; the browser holds only the session
 * cookie ({@code server.servlet.session.cookie.*}: HttpOnly, SameSite=Lax, Secure outside
 * {@code local}).</li>
 * <li>Every page but the assets and the signed-out pages needs the admin scope; someone
 * signed in without it gets the refusal page (403).</li>
 * <li>CSRF token on every change (forms carry it); a change without it is refused with
 * 403 and a page that says the form expired.</li>
 * <li>Sign-out ({@code POST /console/sign-out}) ends the session; a session also ends
 * after {@code session-timeout} without a request.</li>
 * <li>{@code Content-Security-Policy} allows scripts, styles and images from this origin
 * only: no inline script or style anywhere.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(ConsoleProperties.PREFIX + ".enabled")
@EnableConfigurationProperties(ConsoleProperties.class)
public class ConsoleSecurityConfiguration {

	/** The console's {@code Content-Security-Policy}. */
	public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
			+ "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

	static final String AUTHORIZATION_BASE = "/console/oauth2/authorization";

	static final String CONTEXT_ATTRIBUTE = "TENANCY_CONSOLE_SECURITY_CONTEXT";

	static final String SAVED_PAGE_ATTRIBUTE = "TENANCY_CONSOLE_SAVED_REQUEST";

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE + 10)
	SecurityFilterChain consoleFilterChain(HttpSecurity http, ConsoleProperties console,
			ObjectProvider<ClientRegistrationRepository> registrationsProvider,
			@Value("${server.servlet.session.cookie.name:JSESSIONID}") String sessionCookie) throws Exception {
		ClientRegistrationRepository registrations = registrationsProvider.getIfAvailable();
		if (registrations == null || registrations.findByRegistrationId(console.registrationId()) == null) {
			throw new IllegalStateException("The operator console (" + ConsoleProperties.PREFIX
					+ ".enabled=true) signs in with the OAuth 2.0 client registration '" + console.registrationId()
					+ "': set spring.security.oauth2.client.registration." + console.registrationId()
					+ ".* (client-id, client-secret, scope openid and " + console.adminScope()
					+ ") and its provider, or turn the console off");
		}
		HttpSessionSecurityContextRepository contexts = new HttpSessionSecurityContextRepository();
		contexts.setSpringSecurityContextKey(CONTEXT_ATTRIBUTE);
		HttpSessionRequestCache pages = new HttpSessionRequestCache();
		pages.setSessionAttrName(SAVED_PAGE_ATTRIBUTE);
		pages
			.setRequestMatcher(PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, "/console/tenants/**"));
		DefaultOAuth2AuthorizationRequestResolver authorizationRequests = new DefaultOAuth2AuthorizationRequestResolver(
				registrations, AUTHORIZATION_BASE);
		// PKCE for this confidential client too (RFC 9700 2.1.1).
		authorizationRequests.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
		ConsoleSignInSuccess signedIn = new ConsoleSignInSuccess(console.sessionTimeout());
		signedIn.setRequestCache(pages);
		signedIn.setDefaultTargetUrl("/console/tenants");
		signedIn.setAlwaysUseDefaultTargetUrl(false);
		http.securityMatcher("/console", "/console/**")
			.authorizeHttpRequests((requests) -> requests
				.requestMatchers("/console/assets/**", "/console/signed-out", "/console/sign-in-failed",
						"/console/form-expired")
				.permitAll()
				.requestMatchers("/console/refused")
				.authenticated()
				.requestMatchers("/console", "/console/tenants", "/console/tenants/**")
				.hasAuthority(console.adminAuthority())
				.anyRequest()
				.denyAll())
			.oauth2Login((login) -> login.loginPage(AUTHORIZATION_BASE + "/" + console.registrationId())
				.authorizationEndpoint((endpoint) -> endpoint.baseUri(AUTHORIZATION_BASE)
					.authorizationRequestResolver(authorizationRequests))
				.redirectionEndpoint((endpoint) -> endpoint.baseUri("/console/login/oauth2/code/*"))
				// The tokens live and die with the session, never in the browser.
				.authorizedClientRepository(new HttpSessionOAuth2AuthorizedClientRepository())
				.successHandler(signedIn)
				.failureUrl("/console/sign-in-failed"))
			.securityContext((context) -> context.securityContextRepository(contexts))
			.requestCache((cache) -> cache.requestCache(pages))
			.exceptionHandling((exceptions) -> exceptions.accessDeniedHandler(refusals()))
			.logout((logout) -> logout.logoutUrl("/console/sign-out")
				.logoutSuccessUrl("/console/signed-out")
				.invalidateHttpSession(true)
				.clearAuthentication(true)
				.deleteCookies(sessionCookie))
			.headers((headers) -> headers.contentSecurityPolicy((csp) -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
				.referrerPolicy((referrer) -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)));
		return http.build();
	}

	/**
	 * Usage of tenants for the console's chart, from the apps' Prometheus endpoints
	 * ({@code usage.sources}); none configured, no chart.
	 */
	@Bean
	@ConditionalOnMissingBean
	TenantUsage consoleTenantUsage(ConsoleProperties console) {
		return new PrometheusTenantUsage(console.usage(), Clock.systemUTC(), true);
	}

	/**
	 * A change without a valid CSRF token gets the form-expired page, any other denial
	 * the refusal page; both with 403.
	 */
	private static AccessDeniedHandler refusals() {
		AccessDeniedHandlerImpl expired = new AccessDeniedHandlerImpl();
		expired.setErrorPage("/console/form-expired");
		AccessDeniedHandlerImpl refused = new AccessDeniedHandlerImpl();
		refused.setErrorPage("/console/refused");
		LinkedHashMap<Class<? extends AccessDeniedException>, AccessDeniedHandler> handlers = new LinkedHashMap<>();
		handlers.put(CsrfException.class, expired);
		return new DelegatingAccessDeniedHandler(handlers, refused);
	}

}
