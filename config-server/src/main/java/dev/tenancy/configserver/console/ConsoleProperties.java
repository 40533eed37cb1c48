package dev.tenancy.configserver.console;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
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
 * @param usage Where the console reads tenants' usage for its chart.
 */
@ConfigurationProperties("tenancy.config-server.console")
public record ConsoleProperties(@DefaultValue("false") boolean enabled, @DefaultValue("console") String registrationId,
		@DefaultValue("tenants:admin") String adminScope, @DefaultValue("30m") Duration sessionTimeout,
		@DefaultValue("20") int pageSize, @DefaultValue Usage usage) {

	/** The property prefix. */
	public static final String PREFIX = "tenancy.config-server.console";

	@ConstructorBinding
	public ConsoleProperties {
		usage = (usage != null) ? usage : new Usage(List.of(), Duration.ofMinutes(1), Duration.ofSeconds(2));
	}

	/**
	 * The authority Spring Security gives a signed-in operator holding the admin scope.
	 * @return {@code SCOPE_} and the scope
	 */
	public String adminAuthority() {
		return "SCOPE_" + this.adminScope;
	}

	/**
	 * The apps' metrics the usage chart is drawn from.
	 *
	 * @param sources Prometheus endpoints of the app instances, such as
	 * {@code http://sample-app:8081/actuator/prometheus} (their management port); none:
	 * no chart.
	 * @param interval How often each source is read; the chart has one value per minute.
	 * @param timeout Connect and read timeout per source.
	 */
	public record Usage(List<URI> sources, @DefaultValue("1m") Duration interval,
			@DefaultValue("2s") Duration timeout) {

		@ConstructorBinding
		public Usage {
			sources = (sources != null) ? List.copyOf(sources) : List.of();
		}

	}

}
