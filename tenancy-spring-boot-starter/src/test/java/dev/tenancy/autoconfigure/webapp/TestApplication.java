package dev.tenancy.autoconfigure.webapp;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.tenancy.context.TenantContext;

/**
 * A minimal application on the starter, for the web tests. Tokens come from
 * spring-security-test's {@code jwt()} post-processor; a real bearer token is always
 * rejected by the decoder.
 */
@SpringBootApplication
@EnableAsync
public class TestApplication {

	/** A secret that must never reach a response body. */
	public static final String SECRET = "hunter2-db-password";

	@Bean
	JwtDecoder jwtDecoder() {
		return (token) -> {
			throw new BadJwtException("rejected in tests");
		};
	}

	@Bean
	FilterRegistrationBean<OncePerRequestFilter> failingFilter() {
		FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
				new OncePerRequestFilter() {
					@Override
					protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
							FilterChain chain) throws ServletException, IOException {
						throw new IllegalStateException("filter failed, password=" + SECRET);
					}
				});
		registration.addUrlPatterns("/api/filter-fails");
		registration.setOrder(0);
		return registration;
	}

	@Service
	public static class AsyncTenantService {

		@Async
		public CompletableFuture<Map<String, Object>> whoAmI() {
			Map<String, Object> seen = new LinkedHashMap<>();
			seen.put("tenant", TenantContext.current().map(Object::toString).orElse(null));
			seen.put("mdc", MDC.get(TenantContext.MDC_KEY));
			seen.put("thread", Thread.currentThread().getName());
			return CompletableFuture.completedFuture(seen);
		}

	}

	@RestController
	public static class TestController {

		private final AsyncTenantService async;

		public TestController(AsyncTenantService async) {
			this.async = async;
		}

		@GetMapping("/api/tenant")
		Map<String, Object> tenant() {
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("tenant", TenantContext.require().value());
			body.put("mdc", MDC.get(TenantContext.MDC_KEY));
			return body;
		}

		@GetMapping("/api/async")
		Map<String, Object> async() {
			Map<String, Object> body = new LinkedHashMap<>(this.async.whoAmI().join());
			body.put("caller", TenantContext.require().value());
			return body;
		}

		@GetMapping("/api/fails")
		Map<String, Object> fails() {
			throw new IllegalStateException(
					"could not run SELECT card_number FROM payments WHERE tenant='acme' with password=" + SECRET);
		}

	}

}
