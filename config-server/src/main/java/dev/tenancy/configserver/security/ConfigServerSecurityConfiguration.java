package dev.tenancy.configserver.security;

import java.util.TreeSet;

import jakarta.servlet.DispatcherType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.autoconfigure.TenancyHttpConfigurer;
import dev.tenancy.configserver.ConfigServerProperties;

import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationEntryPoint;

/**
 * Web security of the config server.
 *
 * <ul>
 * <li>Config paths: HTTP basic as one of the configured clients, and then only the
 * client's own application ({@link ConfigPathAuthorizationManager}); another service's
 * name, comma lists, encoded traversal and names outside the allowed syntax are 403 (or
 * 400 from the firewall).</li>
 * <li>{@code /encrypt}, {@code /decrypt}, {@code /key}: closed to every client.</li>
 * <li>{@code /tenants/**}: the tenant API, for any authenticated client.</li>
 * <li>{@code /admin/tenants/**} ({@code tenancy.admin.paths}): the starter's admin rule,
 * applied with {@code http.with(tenancy(), ...)} ahead of the rules below, as in every
 * app on the starter: the bootstrap {@code X-Admin-Token}; 401 problem+json without it,
 * 403 when it is wrong (or for a config client's basic credentials), 503
 * {@code admin_not_configured} when no token is set, wrong tokens throttled. Other
 * {@code /admin/**} paths are closed, so they can never be read as an application
 * "admin".</li>
 * <li>Actuator lives on the management port ({@code management.server.port}); there
 * {@code /actuator/health} (no details) and its probes are open, {@code info} needs a
 * client, the rest is closed. {@code /actuator/**} on the server port is closed too, so
 * it can never be served as the configuration of an application called "actuator".</li>
 * </ul>
 * Stateless, no CSRF (a machine API), 401 with {@code WWW-Authenticate: Basic} when
 * unauthenticated, {@code Content-Security-Policy: default-src 'none'} on every answer.
 * Error answers are the starter's problem+json ({@code tenancy.errors.*}).
 */
@Configuration(proxyBeanMethods = false)
public class ConfigServerSecurityConfiguration {

	/** The realm sent in {@code WWW-Authenticate}. */
	public static final String REALM = "config-server";

	/** The {@code Content-Security-Policy} of every answer. */
	public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

	private static final Logger LOG = LoggerFactory.getLogger(ConfigServerSecurityConfiguration.class);

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

	@Bean
	ConfigClientUserDetailsService configClientUserDetailsService(ConfigServerProperties properties) {
		ConfigClientUserDetailsService clients = new ConfigClientUserDetailsService(properties);
		LOG.info("Config server accepts {} client(s): {}", clients.clientNames().size(),
				new TreeSet<>(clients.clientNames()));
		for (String name : new TreeSet<>(clients.clientNames())) {
			if (!ConfigPathAuthorizationManager.APPLICATION_NAME.matcher(name).matches()) {
				LOG.warn("Client '{}' cannot read any configuration: only names matching [a-z0-9][a-z0-9-]{0,62} "
						+ "are readable applications", name);
			}
			if (clients.isPlaintext(name)) {
				LOG.warn("Client '{}' has a {noop} (plaintext) password; use that for local development only", name);
			}
		}
		return clients;
	}

	@Bean
	SecurityFilterChain configServerSecurityFilterChain(HttpSecurity http) throws Exception {
		BasicAuthenticationEntryPoint entryPoint = new BasicAuthenticationEntryPoint();
		entryPoint.setRealmName(REALM);
		http.authorizeHttpRequests((requests) -> requests.dispatcherTypeMatchers(DispatcherType.ERROR)
			.permitAll()
			.requestMatchers(EndpointRequest.to("health"))
			.permitAll()
			.requestMatchers(EndpointRequest.to("info"))
			.authenticated()
			.requestMatchers(EndpointRequest.toAnyEndpoint())
			.denyAll()
			.requestMatchers("/actuator", "/actuator/**")
			.denyAll()
			.requestMatchers("/encrypt", "/encrypt/**", "/decrypt", "/decrypt/**", "/key", "/key/**")
			.denyAll()
			.requestMatchers(HttpMethod.GET, "/tenants/*", "/tenants/changes/latest")
			.authenticated()
			.requestMatchers("/tenants", "/tenants/**")
			.denyAll()
			.requestMatchers("/admin", "/admin/**")
			.denyAll()
			.requestMatchers(HttpMethod.GET, "/**")
			.access(new ConfigPathAuthorizationManager())
			.anyRequest()
			.denyAll())
			.httpBasic((basic) -> basic.realmName(REALM).authenticationEntryPoint(entryPoint))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(entryPoint))
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			// A machine API: nothing it serves may load resources or be framed.
			.headers((headers) -> headers.contentSecurityPolicy((csp) -> csp.policyDirectives(CONTENT_SECURITY_POLICY)))
			.csrf(AbstractHttpConfigurer::disable)
			.requestCache(AbstractHttpConfigurer::disable)
			.logout(AbstractHttpConfigurer::disable)
			// Admin rule, admin token and admin answers; the CSP above is the same as the
			// starter's.
			.with(TenancyHttpConfigurer.tenancy(), Customizer.withDefaults());
		return http.build();
	}

}
