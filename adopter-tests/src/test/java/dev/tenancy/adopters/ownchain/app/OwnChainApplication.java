package dev.tenancy.adopters.ownchain.app;

import java.util.Map;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.tenancy.context.TenantContext;

import static dev.tenancy.autoconfigure.TenancyHttpConfigurer.tenancy;

/**
 * An API with its own security filter chain, as an adopter writes it: its own resource
 * server and URL rules ({@code /app/reports/**} needs the {@code reports} scope, the rest
 * of {@code /app/**} a token, {@code /hello} is open), and Tenancy applied with one call,
 * after {@code anyRequest()}.
 */
@SpringBootApplication
public class OwnChainApplication {

	@Bean
	SecurityFilterChain appSecurity(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests.requestMatchers("/hello")
			.permitAll()
			.requestMatchers("/app/reports/**")
			.hasAuthority("SCOPE_reports")
			.requestMatchers("/app/**")
			.authenticated()
			.anyRequest()
			.denyAll())
			.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(Customizer.withDefaults()))
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable())
			.with(tenancy(), Customizer.withDefaults());
		return http.build();
	}

	@RestController
	static class AppController {

		@GetMapping("/hello")
		Map<String, String> hello() {
			return Map.of("hello", "world");
		}

		@GetMapping("/app/whoami")
		Map<String, String> whoami() {
			return Map.of("tenant", TenantContext.current().map(Object::toString).orElse("none"));
		}

		@GetMapping("/app/reports/summary")
		Map<String, String> summary() {
			return Map.of("tenant", TenantContext.current().map(Object::toString).orElse("none"), "report", "ok");
		}

	}

}
