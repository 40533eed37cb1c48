package dev.tenancy.sample;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.web.server.LocalServerPort;

import dev.tenancy.test.RawHttp;

import static dev.tenancy.test.ErrorAnswers.HOSTILE_HOST;
import static dev.tenancy.test.ErrorAnswers.HOSTILE_MARKER;
import static dev.tenancy.test.ErrorAnswers.assertProblem;
import static dev.tenancy.test.ErrorAnswers.hostilePath;
import static dev.tenancy.test.ErrorAnswers.rawHostilePath;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Error answers that need no credential, in every profile: whoever decides them (Tomcat
 * before any application code, Spring Security's firewall, the error page, the security
 * chain), each is problem+json with its stable code and the security headers, and echoes
 * nothing of a hostile request (a 5,000-character path with a script tag, a hostile
 * {@code Host}). Over a real port, raw bytes on a socket, since HTTP clients refuse to
 * send most of these requests.
 */
abstract class ErrorAnswerCases {

	@LocalServerPort
	int port;

	static byte[] get(String target, String... headerLines) {
		return RawHttp.request("GET", target, HOSTILE_HOST, headerLines);
	}

	static Stream<Arguments> withoutCredentials() {
		return Stream.of(
				// Spring Security's firewall, before any security filter
				Arguments.of("firewall: double slash", get("//api/tenant"), 400, "invalid_request"),
				Arguments.of("firewall: double slash, hostile path", get("/" + hostilePath()), 400, "invalid_request"),
				Arguments.of("firewall: encoded dot segment", get("/api/%2e%2e/admin/tenants"), 400, "invalid_request"),
				// Tomcat, before the application
				Arguments.of("Tomcat: raw script tag in the path", get(rawHostilePath()), 400, "invalid_request"),
				Arguments.of("Tomcat: bad percent-encoding", get(hostilePath() + "%zz"), 400, "invalid_request"),
				Arguments.of("Tomcat: invalid header name", get("/api/tenant", "Bad Header: " + HOSTILE_MARKER), 400,
						"invalid_request"),
				Arguments.of("Tomcat: header section over 8 KB",
						get("/api/tenant", "X-Big: " + HOSTILE_MARKER + "x".repeat(10 * 1024)), 400, "invalid_request"),
				Arguments.of("Tomcat: non-numeric Content-Length",
						RawHttp.request("POST", "/api/trips", HOSTILE_HOST, "Content-Length: " + HOSTILE_MARKER), 400,
						"invalid_request"),
				Arguments.of("Tomcat: two Host headers", get("/api/tenant", "Host: " + HOSTILE_HOST), 400,
						"invalid_request"),
				Arguments.of("Tomcat: unknown HTTP version",
						("GET " + hostilePath() + " HTTP/9.9\r\nHost: " + HOSTILE_HOST
								+ "\r\nConnection: close\r\n\r\n")
							.getBytes(StandardCharsets.ISO_8859_1),
						400, "invalid_request"),
				Arguments.of("Tomcat: CONNECT", RawHttp.request("CONNECT", HOSTILE_HOST + ":443", HOSTILE_HOST), 400,
						"invalid_request"),
				Arguments.of("Tomcat: TRACE", RawHttp.request("TRACE", hostilePath(), HOSTILE_HOST), 405,
						"method_not_allowed"),
				// The error page is not a resource
				Arguments.of("error page requested directly", get("/error"), 404, "not_found"),
				Arguments.of("error page with a hostile query", get("/error?q=" + hostilePath()), 404, "not_found"),
				Arguments.of("error page, POST", RawHttp.request("POST", "/error", HOSTILE_HOST, "Content-Length: 0"),
						404, "not_found"),
				// The security chain
				Arguments.of("hostile path without a token", get(hostilePath()), 401, "unauthorized"),
				Arguments.of("API without a token", get("/api/tenant"), 401, "unauthorized"),
				Arguments.of("API with a malformed token",
						get("/api/tenant", "Authorization: Bearer " + HOSTILE_MARKER), 401, "unauthorized"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("withoutCredentials")
	void everyErrorWithoutCredentialsIsAProblem(String name, byte[] request, int status, String code) {
		assertProblem(RawHttp.send(this.port, request), status, code);
	}

	@Test
	void traceKeepsTheAllowHeader() {
		RawHttp.Response response = RawHttp.send(this.port, RawHttp.request("TRACE", "/api/tenant", HOSTILE_HOST));

		assertProblem(response, 405, "method_not_allowed");
		assertThat(response.header("Allow"))
			.hasValueSatisfying((allow) -> assertThat(allow).contains("GET").doesNotContain("TRACE"));
	}

	@Test
	void firewallRejectionsAreIdenticalWhateverThePath() {
		RawHttp.Response plain = RawHttp.send(this.port, get("//api/tenant"));
		RawHttp.Response hostile = RawHttp.send(this.port, get("/" + hostilePath()));

		assertThat(hostile.body()).isEqualTo(plain.body());
	}

}
