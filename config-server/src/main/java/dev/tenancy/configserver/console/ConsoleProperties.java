package dev.tenancy.configserver.console;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The operator console at {@code /console}, under {@code tenancy.config-server.console}.
 *
 * @param enabled Whether the console is served. It signs operators in as an OAuth 2.0
 * client of the platform's issuer (authorization code with PKCE), so it needs the client
 * registration {@code spring.security.oauth2.client.registration.<registration-id>}; the
 * {@code local} profile turns it on against the local issuer.
 * @param registrationId The Spring Security OAuth 2.0 client registration the console
 * signs in with.
 * @param adminScope The scope an access token must carry for its holder to use the
 * console; someone signed in without it sees a refusal page.
 * @param sessionTimeout How long a console session lives without a request; then the
 * operator signs in again.
 * @param pageSize Tenants per page of the tenant list.
 */
@ConfigurationProperties("tenancy.config-server.console")
public record ConsoleProperties(@DefaultValue("false") boolean enabled, @DefaultValue("console") String registrationId,
		@DefaultValue("tenants:admin") String adminScope, @DefaultValue("30m") Duration sessionTimeout,
		@DefaultValue("20") int pageSize) {

	/** The property prefix. */
	public static final String PREFIX = "tenancy.config-server.console";

	/**
	 * The authority Spring Security gives a signed-in operator holding the admin scope.
	 * @return {@code SCOPE_} and the scope
	 */
	public String adminAuthority() {
		return "SCOPE_" + this.adminScope;
	}

}
