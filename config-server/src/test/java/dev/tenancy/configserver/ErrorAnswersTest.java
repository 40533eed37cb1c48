package dev.tenancy.configserver;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import dev.tenancy.test.RawHttp;

import static dev.tenancy.test.ErrorAnswers.HOSTILE_HOST;
import static dev.tenancy.test.ErrorAnswers.HOSTILE_MARKER;
import static dev.tenancy.test.ErrorAnswers.assertProblem;
import static dev.tenancy.test.ErrorAnswers.hostilePath;
import static dev.tenancy.test.ErrorAnswers.rawHostilePath;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every error answer of the config server, on the config port and on the management port,
 * is problem+json with its stable code and the security headers, and echoes nothing of a
 * hostile request (a 5,000-character path with a script tag, a hostile {@code Host}):
 * Tomcat's own 400s, the firewall, {@code TRACE}, the error page, HTTP basic's 401 and
 * 403, Spring MVC's 405/406, the tenant API and the admin API. Raw bytes on a socket; the
 * context is {@link LocalProfileTest}'.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("local")
class ErrorAnswersTest {

	static final String CLIENT = "Authorization: " + Http.basic("sample-app", "sample-app-secret");

	static final String ADMIN = "X-Admin-Token: local-demo-admin-token";

	/**
	 * A tenant id no registry holds: over 3,000 characters with an encoded script tag.
	 */
	static final String HOSTILE_ID = HOSTILE_MARKER + "x".repeat(3000) + "%3Cscript%3E";

	static final String MALFORMED_JSON = "{\"id\":\"" + HOSTILE_MARKER + "<script>";

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	static byte[] request(String method, String target, String... lines) {
		int blank = Arrays.asList(lines).indexOf("");
		if (blank < 0) {
			return RawHttp.request(method, target, HOSTILE_HOST, lines);
		}
		byte[] head = RawHttp.request(method, target, HOSTILE_HOST, Arrays.copyOfRange(lines, 0, blank));
		byte[] body = lines[blank + 1].getBytes(StandardCharsets.ISO_8859_1);
		byte[] bytes = Arrays.copyOf(head, head.length + body.length);
		System.arraycopy(body, 0, bytes, head.length, body.length);
		return bytes;
	}

	static byte[] get(String target, String... lines) {
		return request("GET", target, lines);
	}

	/** Answers both ports give, without credentials. */
	static Stream<Arguments> eitherPort() {
		return Stream.of(Arguments.of("firewall: double slash", get("//sample-app/default"), 400, "invalid_request"),
				Arguments.of("firewall: double slash, hostile path", get("/" + hostilePath()), 400, "invalid_request"),
				Arguments.of("Tomcat: raw script tag in the path", get(rawHostilePath()), 400, "invalid_request"),
				Arguments.of("Tomcat: bad percent-encoding", get(hostilePath() + "%zz"), 400, "invalid_request"),
				Arguments.of("Tomcat: invalid header name", get("/sample-app/default", "Bad Header: " + HOSTILE_MARKER),
						400, "invalid_request"),
				Arguments.of("Tomcat: header section over 8 KB",
						get("/sample-app/default", "X-Big: " + HOSTILE_MARKER + "x".repeat(10 * 1024)), 400,
						"invalid_request"),
				Arguments.of("Tomcat: unknown HTTP version",
						("GET " + hostilePath() + " HTTP/9.9\r\nHost: " + HOSTILE_HOST
								+ "\r\nConnection: close\r\n\r\n")
							.getBytes(StandardCharsets.ISO_8859_1),
						400, "invalid_request"),
				Arguments.of("Tomcat: TRACE", request("TRACE", hostilePath()), 405, "method_not_allowed"),
				Arguments.of("error page requested directly", get("/error"), 404, "not_found"),
				Arguments.of("error page with a hostile query", get("/error?q=" + hostilePath()), 404, "not_found"),
				Arguments.of("hostile path without credentials", get(hostilePath()), 401, "unauthorized"),
				Arguments.of("hostile path, wrong password",
						get(hostilePath(), "Authorization: " + Http.basic("sample-app", HOSTILE_MARKER)), 401,
						"unauthorized"));
	}

	static Stream<Arguments> configPort() {
		return Stream.of(
				Arguments.of("another application's configuration", get("/billing/default", CLIENT), 403, "forbidden"),
				Arguments.of("hostile application name", get(hostilePath() + "/default", CLIENT), 403, "forbidden"),
				Arguments.of("DELETE a configuration", request("DELETE", "/sample-app/default", CLIENT), 403,
						"forbidden"),
				Arguments.of("unacceptable Accept",
						get("/sample-app/default", CLIENT, "Accept: text/" + HOSTILE_MARKER), 406, "not_acceptable"),
				Arguments.of("encrypt endpoint", request("POST", "/encrypt", CLIENT, "Content-Length: 0"), 403,
						"forbidden"),
				Arguments.of("tenant API, unknown tenant", get("/tenants/" + HOSTILE_ID, CLIENT), 404,
						"tenant_not_found"),
				Arguments.of("tenant API without credentials", get("/tenants/" + HOSTILE_ID), 401, "unauthorized"),
				Arguments.of("admin API without a token", get("/admin/tenants/" + HOSTILE_ID), 401, "unauthorized"),
				Arguments.of("admin API, wrong token",
						get("/admin/tenants/" + HOSTILE_ID, "X-Admin-Token: " + HOSTILE_MARKER), 403, "forbidden"),
				Arguments.of("admin API, unknown tenant", get("/admin/tenants/" + HOSTILE_ID, ADMIN), 404,
						"tenant_not_found"),
				Arguments.of("admin API, PUT on the collection",
						request("PUT", "/admin/tenants", ADMIN, "Content-Length: 0"), 405, "method_not_allowed"),
				Arguments.of("admin API, PATCH without If-Match",
						request("PATCH", "/admin/tenants/acme", ADMIN, "Content-Length: 0"), 428,
						"precondition_required"),
				Arguments.of("admin API, malformed body",
						request("POST", "/admin/tenants", ADMIN, "Content-Type: application/json",
								"Content-Length: " + MALFORMED_JSON.length(), "", MALFORMED_JSON),
						400, "invalid_request"));
	}

	static Stream<Arguments> managementPort() {
		return Stream.of(Arguments.of("closed endpoint", get("/actuator/env"), 401, "unauthorized"),
				Arguments.of("closed endpoint with credentials", get("/actuator/env", CLIENT), 403, "forbidden"),
				Arguments.of("hostile endpoint with credentials", get("/actuator" + hostilePath(), CLIENT), 403,
						"forbidden"));
	}

	@ParameterizedTest(name = "config port: {0}")
	@MethodSource({ "eitherPort", "configPort" })
	void everyErrorOfTheConfigPortIsAProblem(String name, byte[] request, int status, String code) {
		assertProblem(RawHttp.send(this.port, request), status, code);
	}

	@ParameterizedTest(name = "management port: {0}")
	@MethodSource({ "eitherPort", "managementPort" })
	void everyErrorOfTheManagementPortIsAProblem(String name, byte[] request, int status, String code) {
		assertProblem(RawHttp.send(this.managementPort, request), status, code);
	}

	@Test
	void unauthorizedKeepsTheBasicChallenge() {
		RawHttp.Response response = RawHttp.send(this.port, get(hostilePath()));

		assertProblem(response, 401, "unauthorized");
		assertThat(response.header("WWW-Authenticate")).hasValue("Basic realm=\"config-server\"");
	}

	@Test
	void successfulAnswersCarryTheContentSecurityPolicyToo() {
		RawHttp.Response response = RawHttp.send(this.port, get("/sample-app/default", CLIENT));

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.header("Content-Security-Policy")).hasValue("default-src 'none'; frame-ancestors 'none'");
		assertThat(response.header("X-Content-Type-Options")).hasValue("nosniff");
	}

}
