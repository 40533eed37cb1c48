package dev.tenancy.adopters.ownchain.formlogin;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static dev.tenancy.autoconfigure.TenancyHttpConfigurer.tenancy;

/**
 * A browser application with form login and sessions, no identity provider and no admin
 * token: Tenancy applied before its URL rules, without the API headers (it serves HTML).
 */
@SpringBootApplication
public class FormLoginApplication {

	@Bean
	SecurityFilterChain browserSecurity(HttpSecurity http) throws Exception {
		http.with(tenancy(), (tenancy) -> tenancy.headers(false))
			.authorizeHttpRequests(
					(requests) -> requests.requestMatchers("/app/**").authenticated().anyRequest().permitAll())
			.formLogin(Customizer.withDefaults());
		return http.build();
	}

	@Bean
	InMemoryUserDetailsManager users() {
		return new InMemoryUserDetailsManager(
				User.withUsername("ann").password("{noop}ann-password").roles("USER").build());
	}

	@RestController
	static class PageController {

		@GetMapping("/app/page")
		String page() {
			return "page";
		}

	}

}
