package dev.tenancy.web;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.mock.web.MockHttpServletResponse;

import tools.jackson.databind.json.JsonMapper;

import dev.tenancy.TenancyError;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemResponsesTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@SuppressWarnings("unchecked")
	private static Map<String, Object> parse(byte[] body) {
		return JSON.readValue(body, Map.class);
	}

	@ParameterizedTest
	@EnumSource(TenancyError.class)
	void writesProblemJsonWithTheStableCode(TenancyError error) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		ProblemResponses.write(response, error);
		assertThat(response.getStatus()).isEqualTo(error.status());
		assertThat(response.getContentType()).startsWith("application/problem+json");
		assertThat(response.getCharacterEncoding()).isEqualToIgnoringCase("UTF-8");
		assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
		assertThat(response.isCommitted()).isTrue();
		Map<String, Object> body = parse(response.getContentAsByteArray());
		assertThat(body).containsOnlyKeys("type", "title", "status", "detail", "code");
		assertThat(body).containsEntry("type", "urn:problem-type:tenancy:" + error.code())
			.containsEntry("title", error.title())
			.containsEntry("status", error.status())
			.containsEntry("detail", error.detail())
			.containsEntry("code", error.code());
	}

	@Test
	void contractCodes() throws Exception {
		assertThat(parse(ProblemResponses.body(TenancyError.TENANT_FORBIDDEN, null)))
			.containsEntry("code", "tenant_forbidden")
			.containsEntry("status", 403);
		assertThat(parse(ProblemResponses.body(TenancyError.ADMIN_NOT_CONFIGURED, null)))
			.containsEntry("code", "admin_not_configured")
			.containsEntry("status", 503);
		assertThat(parse(ProblemResponses.body(TenancyError.UNAUTHORIZED, null))).containsEntry("code", "unauthorized")
			.containsEntry("status", 401);
	}

	@Test
	void internalErrorCarriesTheCorrelationIdOnly() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		ProblemResponses.write(response, TenancyError.INTERNAL_ERROR, "6f1c8a2e-0000-4000-8000-000000000001");
		Map<String, Object> body = parse(response.getContentAsByteArray());
		assertThat(response.getStatus()).isEqualTo(500);
		assertThat(body).containsEntry("code", "internal_error")
			.containsEntry("correlationId", "6f1c8a2e-0000-4000-8000-000000000001")
			.containsOnlyKeys("type", "title", "status", "detail", "code", "correlationId");
	}

	@Test
	void bodiesAreByteIdenticalForTheSameError() {
		assertThat(ProblemResponses.body(TenancyError.TENANT_FORBIDDEN, null))
			.isEqualTo(ProblemResponses.body(TenancyError.TENANT_FORBIDDEN, null));
		assertThat(ProblemResponses.body(TenancyError.TENANT_FORBIDDEN, null))
			.isNotEqualTo(ProblemResponses.body(TenancyError.TENANT_MISMATCH, null));
	}

	@Test
	void discardsWhatWasBufferedBefore() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		response.getOutputStream().write("partial secret output".getBytes(StandardCharsets.UTF_8));
		ProblemResponses.write(response, TenancyError.TENANT_INVALID);
		assertThat(response.getContentAsString()).doesNotContain("secret")
			.isEqualTo(new String(ProblemResponses.body(TenancyError.TENANT_INVALID, null), StandardCharsets.UTF_8));
	}

	@Test
	void leavesACommittedResponseAlone() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		response.setStatus(200);
		response.getWriter().write("already sent");
		response.flushBuffer();
		ProblemResponses.write(response, TenancyError.TENANT_FORBIDDEN);
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getContentAsString()).isEqualTo("already sent");
	}

	@Test
	void fixedTextNeverEchoesInput() {
		for (TenancyError error : TenancyError.values()) {
			String body = new String(ProblemResponses.body(error, null), StandardCharsets.UTF_8);
			assertThat(body).doesNotContain("Exception", "at dev.", "SELECT", "acme", "globex");
		}
	}

}
