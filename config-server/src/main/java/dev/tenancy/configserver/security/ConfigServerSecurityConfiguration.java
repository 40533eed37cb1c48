package dev.tenancy.configserver.security;

import java.util.TreeSet;

import jakarta.servlet.DispatcherType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.configserver.ConfigServerProperties;

import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationEntryPoint;

/**
 * Web security of the config server: every config endpoint needs HTTP basic authentication as one
 * of the configured clients; {@code /actuator/health} is open (without details); everything else
 * under {@code /actuator} is closed, so it can never be served as the configuration of an
 * application called "actuator". Stateless, no CSRF (a machine API), 401 with
 * {@code WWW-Authenticate: Basic} when unauthenticated.
 *
 * <p>Per-service authorization (a client may read only its own application) is added later as an
 * authorization rule on the config endpoints; the principal name is the client name.
 */
@Configuration(proxyBeanMethods = false)
public class ConfigServerSecurityConfiguration {

    /** The realm sent in {@code WWW-Authenticate}. */
    public static final String REALM = "config-server";

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
            if (clients.isPlaintext(name)) {
                LOG.warn("Client '{}' has a {noop} (plaintext) password; use that for local development only",
                        name);
            }
        }
        return clients;
    }

    @Bean
    SecurityFilterChain configServerSecurityFilterChain(HttpSecurity http) throws Exception {
        BasicAuthenticationEntryPoint entryPoint = new BasicAuthenticationEntryPoint();
        entryPoint.setRealmName(REALM);
        http.authorizeHttpRequests((requests) -> requests
                .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                .requestMatchers(EndpointRequest.to("health")).permitAll()
                .requestMatchers(EndpointRequest.to("info")).authenticated()
                .requestMatchers(EndpointRequest.toAnyEndpoint()).denyAll()
                .requestMatchers("/actuator", "/actuator/**").denyAll()
                .anyRequest().authenticated())
            .httpBasic((basic) -> basic.realmName(REALM).authenticationEntryPoint(entryPoint))
            .exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(entryPoint))
            .sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .csrf(AbstractHttpConfigurer::disable)
            .requestCache(AbstractHttpConfigurer::disable)
            .logout(AbstractHttpConfigurer::disable);
        return http.build();
    }
}
