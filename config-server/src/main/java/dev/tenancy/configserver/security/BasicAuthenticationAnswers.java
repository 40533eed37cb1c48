package dev.tenancy.configserver.security;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import dev.tenancy.TenancyError;
import dev.tenancy.TenancyException;

import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationEntryPoint;

/**
 * The entry point of HTTP basic (and of requests with no credential at all): 401 with
 * {@code WWW-Authenticate: Basic realm="config-server"}, or, for a throttled caller
 * ({@link ClientThrottledException}), 429 {@code rate_limited} problem+json with
 * {@code Retry-After}.
 */
final class BasicAuthenticationAnswers implements AuthenticationEntryPoint {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final BasicAuthenticationEntryPoint basic;

	BasicAuthenticationAnswers(String realm) {
		this.basic = new BasicAuthenticationEntryPoint();
		this.basic.setRealmName(realm);
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException authException) throws IOException {
		if (authException instanceof ClientThrottledException throttled) {
			tooMany(response, throttled.retryAfterSeconds());
			return;
		}
		this.basic.commence(request, response, authException);
	}

	private static void tooMany(HttpServletResponse response, long retryAfterSeconds) throws IOException {
		if (response.isCommitted()) {
			return;
		}
		TenancyError error = TenancyError.RATE_LIMITED;
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", TenancyException.TYPE_PREFIX + error.code());
		body.put("title", error.title());
		body.put("status", error.status());
		body.put("detail", error.detail());
		body.put("code", error.code());
		response.resetBuffer();
		response.setStatus(error.status());
		response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
		response.setHeader("Cache-Control", "no-store");
		response.setContentType("application/problem+json");
		response.getOutputStream().write(JSON.writeValueAsBytes(body));
		response.flushBuffer();
	}

}
