package dev.tenancy.web;

import java.util.Map;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorPageProblemFilterTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ErrorPageProblemFilter filter = new ErrorPageProblemFilter();

	@SuppressWarnings("unchecked")
	private static Map<String, Object> body(MockHttpServletResponse response) {
		return JSON.readValue(response.getContentAsByteArray(), Map.class);
	}

	private static MockHttpServletRequest errorDispatch(int status, String message) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/error");
		request.setDispatcherType(DispatcherType.ERROR);
		request.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, status);
		request.setAttribute(RequestDispatcher.ERROR_MESSAGE, message);
		request.setAttribute(RequestDispatcher.ERROR_REQUEST_URI, "/hostile<script>");
		return request;
	}

	@ParameterizedTest
	@CsvSource({ "400, 400, invalid_request", "401, 401, unauthorized", "403, 403, forbidden", "404, 404, not_found",
			"405, 405, method_not_allowed", "406, 406, not_acceptable", "413, 413, payload_too_large",
			"415, 415, unsupported_media_type", "414, 400, invalid_request", "431, 400, invalid_request",
			"501, 400, invalid_request", "505, 400, invalid_request", "503, 503, service_unavailable",
			"502, 500, internal_error" })
	void errorDispatchIsTheFixedProblemOfItsStatus(int status, int answered, String code) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		response.setHeader("WWW-Authenticate", "Basic realm=\"x\"");
		MockFilterChain chain = new MockFilterChain();

		this.filter.doFilter(errorDispatch(status, "Request method 'TRACE' <script>"), response, chain);

		assertThat(chain.getRequest()).as("the error controller is not reached").isNull();
		assertThat(response.getStatus()).isEqualTo(answered);
		assertThat(response.getContentType()).startsWith("application/problem+json");
		assertThat(body(response)).containsEntry("code", code)
			.containsEntry("status", answered)
			.doesNotContainKey("instance");
		assertThat(response.getContentAsString()).doesNotContain("script").doesNotContain("TRACE");
		assertThat(response.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
		assertThat(response.getHeader("X-Frame-Options")).isEqualTo("DENY");
		assertThat(response.getHeader("Content-Security-Policy"))
			.isEqualTo("default-src 'none'; frame-ancestors 'none'");
		assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
		assertThat(response.getHeader("WWW-Authenticate")).as("kept").isEqualTo("Basic realm=\"x\"");
		if (answered == 503) {
			assertThat(response.getHeader("Retry-After")).isNotBlank();
		}
	}

	@Test
	void exceptionIsAGenericInternalErrorWithACorrelationId() throws Exception {
		MockHttpServletRequest request = errorDispatch(500, null);
		request.setAttribute(RequestDispatcher.ERROR_EXCEPTION, new IllegalStateException("secret <script>"));
		MockHttpServletResponse response = new MockHttpServletResponse();

		this.filter.doFilter(request, response, new MockFilterChain());

		assertThat(response.getStatus()).isEqualTo(500);
		assertThat(body(response)).containsEntry("code", "internal_error").containsKey("correlationId");
		assertThat(response.getContentAsString()).doesNotContain("secret");
	}

	@Test
	void directRequestIsNotFound() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/error");
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockFilterChain chain = new MockFilterChain();

		this.filter.doFilter(request, response, chain);

		assertThat(chain.getRequest()).isNull();
		assertThat(response.getStatus()).isEqualTo(404);
		assertThat(body(response)).containsEntry("code", "not_found");
	}

	@Test
	void configuredContentSecurityPolicyIsKept() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		response.setHeader("Content-Security-Policy", "default-src 'self'");

		this.filter.doFilter(errorDispatch(403, null), response, new MockFilterChain());

		assertThat(response.getHeader("Content-Security-Policy")).isEqualTo("default-src 'self'");
	}

}
