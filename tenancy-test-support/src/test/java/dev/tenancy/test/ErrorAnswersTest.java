package dev.tenancy.test;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The error-answer assertion accepts a proper problem and refuses each way of falling
 * short.
 */
class ErrorAnswersTest {

	static final String HEADERS = "X-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\n"
			+ "Content-Security-Policy: default-src 'none'\r\nCache-Control: no-store\r\n";

	static final String PROBLEM = "{\"type\":\"urn:problem-type:tenancy:not_found\",\"title\":\"Not found\","
			+ "\"status\":404,\"detail\":\"There is nothing here.\",\"code\":\"not_found\"}";

	static RawHttp.Response response(String status, String headers, String body) {
		return RawHttp.Response
			.parse(("HTTP/1.1 " + status + " \r\n" + headers + "\r\n" + body).getBytes(StandardCharsets.UTF_8));
	}

	static RawHttp.Response problem(String headers, String body) {
		return response("404", "Content-Type: application/problem+json\r\n" + headers, body);
	}

	@Test
	void acceptsAProblemWithTheHeaders() {
		assertThatCode(() -> ErrorAnswers.assertProblem(problem(HEADERS, PROBLEM), 404, "not_found"))
			.doesNotThrowAnyException();
	}

	@Test
	void readsChunkedBodies() {
		String chunked = Integer.toHexString(PROBLEM.length()) + "\r\n" + PROBLEM + "\r\n0\r\n\r\n";
		assertThatCode(() -> ErrorAnswers.assertProblem(problem(HEADERS + "Transfer-Encoding: chunked\r\n", chunked),
				404, "not_found"))
			.doesNotThrowAnyException();
	}

	@Test
	void refusesTomcatsHtmlPage() {
		RawHttp.Response html = response("400", "Content-Type: text/html;charset=utf-8\r\n",
				"<!doctype html><html><body><h1>HTTP Status 400 – Bad Request</h1></body></html>");
		assertThatThrownBy(() -> ErrorAnswers.assertProblem(html, 400, "invalid_request"))
			.hasMessageContaining("Content-Type")
			.hasMessageContaining("nosniff")
			.hasMessageContaining("not JSON");
	}

	@Test
	void refusesSpringBootsDefaultBodyThatEchoesThePath() {
		String boot = "{\"timestamp\":\"2026-01-01T00:00:00Z\",\"status\":401,\"error\":\"Unauthorized\",\"path\":\"/"
				+ ErrorAnswers.HOSTILE_MARKER + "\"}";
		assertThatThrownBy(() -> ErrorAnswers
			.assertProblem(response("401", "Content-Type: application/json\r\n" + HEADERS, boot), 401, "unauthorized"))
			.hasMessageContaining("code")
			.hasMessageContaining("echoes");
	}

	@Test
	void refusesAnInstanceMember() {
		String withInstance = PROBLEM.replace("}", ",\"instance\":\"/admin/tenants/x\"}");
		assertThatThrownBy(() -> ErrorAnswers.assertProblem(problem(HEADERS, withInstance), 404, "not_found"))
			.hasMessageContaining("instance");
	}

	@Test
	void refusesMissingSecurityHeaders() {
		assertThatThrownBy(
				() -> ErrorAnswers.assertProblem(problem("Cache-Control: no-store\r\n", PROBLEM), 404, "not_found"))
			.hasMessageContaining("X-Content-Type-Options")
			.hasMessageContaining("X-Frame-Options")
			.hasMessageContaining("Content-Security-Policy");
		assertThatThrownBy(() -> ErrorAnswers.assertProblem(problem(HEADERS.replace("no-store", "max-age=60"), PROBLEM),
				404, "not_found"))
			.hasMessageContaining("no-store");
	}

	@Test
	void refusesAnEchoedHostOrScript() {
		String echo = PROBLEM.replace("There is nothing here.", ErrorAnswers.HOSTILE_HOST);
		assertThatThrownBy(() -> ErrorAnswers.assertProblem(problem(HEADERS, echo), 404, "not_found"))
			.hasMessageContaining("echoes");
		String script = PROBLEM.replace("There is nothing here.", "<script>");
		assertThatThrownBy(() -> ErrorAnswers.assertProblem(problem(HEADERS, script), 404, "not_found"))
			.hasMessageContaining("echoes");
	}

	@Test
	void refusesAnotherStatusOrCode() {
		assertThatThrownBy(() -> ErrorAnswers.assertProblem(problem(HEADERS, PROBLEM), 400, "not_found"))
			.hasMessageContaining("status");
		assertThatThrownBy(() -> ErrorAnswers.assertProblem(problem(HEADERS, PROBLEM), 404, "forbidden"))
			.hasMessageContaining("code");
	}

	@Test
	void hostilePathsAreLongAndHostile() {
		org.assertj.core.api.Assertions.assertThat(ErrorAnswers.hostilePath())
			.hasSizeGreaterThan(5000)
			.startsWith("/" + ErrorAnswers.HOSTILE_MARKER)
			.contains("%3Cscript%3E");
		org.assertj.core.api.Assertions.assertThat(ErrorAnswers.rawHostilePath()).contains("<script>");
	}

}
