package dev.tenancy.sample;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.tenancy.test.RawHttp;

import static dev.tenancy.test.ErrorAnswers.HOSTILE_HOST;
import static dev.tenancy.test.ErrorAnswers.HOSTILE_MARKER;
import static dev.tenancy.test.ErrorAnswers.assertProblem;
import static dev.tenancy.test.ErrorAnswers.hostilePath;

/**
 * The error answers of {@link ErrorAnswerCases} in the {@code local} profile, plus those
 * of a caller with a valid token: Spring MVC's 404/405/406/415 and 400 for a malformed
 * body, and the admin API's errors, none of which may echo the path (no {@code instance})
 * or the body.
 */
@LocalAppTest
class ErrorAnswersLocalTest extends ErrorAnswerCases {

	/**
	 * A tenant id no registry holds: over 3,000 characters with an encoded script tag.
	 */
	static final String HOSTILE_ID = HOSTILE_MARKER + "x".repeat(3000) + "%3Cscript%3E";

	static final String HOSTILE_JSON = "{\"name\":\"" + HOSTILE_MARKER + "<script>";

	static Stream<Arguments> withToken() {
		return Stream.of(Arguments.of("acme", "GET", "/api" + hostilePath(), new String[0], 404, "not_found"),
				Arguments.of("acme", "DELETE", "/api/tenant", new String[0], 405, "method_not_allowed"),
				Arguments.of("acme", "GET", "/api/tenant", new String[] { "Accept: text/" + HOSTILE_MARKER }, 406,
						"not_acceptable"),
				Arguments.of("acme", "POST", "/api/trips",
						new String[] { "Content-Type: text/" + HOSTILE_MARKER, "Content-Length: 0" }, 415,
						"unsupported_media_type"),
				Arguments.of("acme", "POST", "/api/trips", body("application/json", HOSTILE_JSON), 400,
						"invalid_request"),
				Arguments.of("acme", "GET", "/api/trips/" + HOSTILE_ID, new String[0], 404, "not_found"),
				Arguments.of("ops", "GET", "/admin/tenants/" + HOSTILE_ID, new String[0], 404, "tenant_not_found"),
				Arguments.of("ops", "GET", "/admin" + hostilePath(), new String[0], 404, "not_found"),
				Arguments.of("ops", "PUT", "/admin/tenants", new String[] { "Content-Length: 0" }, 405,
						"method_not_allowed"),
				Arguments.of("ops", "PATCH", "/admin/tenants/acme", new String[] { "Content-Length: 0" }, 428,
						"precondition_required"),
				Arguments.of("ops", "DELETE", "/admin/tenants/acme", new String[0], 428, "precondition_required"),
				Arguments.of("ops", "POST", "/admin/tenants", body("application/json", HOSTILE_JSON), 400,
						"invalid_request"),
				// A tenant's token is a credential, but not an administrator's.
				Arguments.of("acme", "GET", "/admin/tenants/" + HOSTILE_ID, new String[0], 403, "forbidden"));
	}

	private static String[] body(String contentType, String body) {
		return new String[] { "Content-Type: " + contentType, "Content-Length: " + body.length(), "", body };
	}

	@ParameterizedTest(name = "{0}: {1} {2} -> {4}")
	@MethodSource("withToken")
	void everyErrorWithATokenIsAProblem(String client, String method, String target, String[] headerLines, int status,
			String code) {
		String token = new Api(this.port).token(client + "-client");
		String[] lines = new String[headerLines.length + 1];
		lines[0] = "Authorization: Bearer " + token;
		System.arraycopy(headerLines, 0, lines, 1, headerLines.length);

		assertProblem(RawHttp.send(this.port, request(method, target, lines)), status, code);
	}

	/** A request whose header lines may end in an empty line and a body. */
	private static byte[] request(String method, String target, String[] lines) {
		int blank = java.util.Arrays.asList(lines).indexOf("");
		if (blank < 0) {
			return RawHttp.request(method, target, HOSTILE_HOST, lines);
		}
		String[] headers = java.util.Arrays.copyOfRange(lines, 0, blank);
		String body = lines[blank + 1];
		byte[] head = RawHttp.request(method, target, HOSTILE_HOST, headers);
		byte[] bytes = java.util.Arrays.copyOf(head, head.length + body.length());
		System.arraycopy(body.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, bytes, head.length,
				body.length());
		return bytes;
	}

}
