package dev.tenancy.test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every error answer of a Tenancy application must be, as one assertion: the
 * expected status, {@code application/problem+json} with the stable {@code code} (and a
 * matching {@code status} member), the security headers
 * ({@code X-Content-Type-Options: nosniff}, {@code X-Frame-Options}, a
 * {@code Content-Security-Policy}, {@code Cache-Control: no-store}), and a short body of
 * fixed text: no {@code instance} member and nothing of the request in it.
 * <p>
 * Hostile requests are built from {@link #hostilePath()} (over 5,000 characters with a
 * script tag) and a {@code Host} of {@link #HOSTILE_HOST}; the assertion always checks
 * that neither appears in the body.
 */
public final class ErrorAnswers {

	/** A marker in every hostile path; an answer that contains it echoes the request. */
	public static final String HOSTILE_MARKER = "hostile-zq7";

	/** A {@code Host} header value that must never come back in a body. */
	public static final String HOSTILE_HOST = "evil-host-zq7.example";

	/** Error bodies are a few fixed sentences: anything longer is suspect. */
	public static final int MAX_BODY_LENGTH = 1024;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ErrorAnswers() {
	}

	/**
	 * A path over 5,000 characters, legal in a URL, that decodes to a script tag.
	 * @return the percent-encoded path, starting with {@code /}
	 */
	public static String hostilePath() {
		return "/" + HOSTILE_MARKER + "x".repeat(5000) + "%3Cscript%3Ealert(1)%3C/script%3E";
	}

	/**
	 * A path over 5,000 characters with a raw script tag, which no HTTP client sends and
	 * the server must refuse before any application code runs.
	 * @return the raw path, starting with {@code /}
	 */
	public static String rawHostilePath() {
		return "/" + HOSTILE_MARKER + "x".repeat(5000) + "<script>alert(1)</script>";
	}

	/**
	 * Assert that a response read from a socket is the expected error answer.
	 * @param response the response
	 * @param status the expected status
	 * @param code the expected {@code code} member
	 * @param neverEchoed further text that must not appear in the body (case-insensitive)
	 */
	public static void assertProblem(RawHttp.Response response, int status, String code, String... neverEchoed) {
		check(response.raw(), response.status(), response::header, response.body(), status, code, neverEchoed);
	}

	/**
	 * Assert that a response of the JDK's HTTP client is the expected error answer.
	 * @param response the response
	 * @param status the expected status
	 * @param code the expected {@code code} member
	 * @param neverEchoed further text that must not appear in the body (case-insensitive)
	 */
	public static void assertProblem(HttpResponse<String> response, int status, String code, String... neverEchoed) {
		String what = response.request().method() + " " + abbreviate(response.uri().toString()) + " -> "
				+ response.statusCode() + " " + response.headers().map() + "\n" + abbreviate(response.body());
		check(what, response.statusCode(), (name) -> response.headers().firstValue(name), response.body(), status, code,
				neverEchoed);
	}

	private static void check(String what, int actualStatus, Function<String, Optional<String>> header, String body,
			int status, String code, String[] neverEchoed) {
		List<String> failures = new ArrayList<>();
		if (actualStatus != status) {
			failures.add("status " + actualStatus + ", expected " + status);
		}
		String contentType = header.apply("Content-Type").orElse("");
		if (!contentType.toLowerCase(Locale.ROOT).startsWith("application/problem+json")) {
			failures.add("Content-Type '" + contentType + "', expected application/problem+json");
		}
		expectHeader(failures, header, "X-Content-Type-Options", "nosniff");
		expectHeader(failures, header, "X-Frame-Options", "DENY");
		if (header.apply("Content-Security-Policy").filter((value) -> !value.isBlank()).isEmpty()) {
			failures.add("no Content-Security-Policy");
		}
		if (!header.apply("Cache-Control").orElse("").contains("no-store")) {
			failures.add("Cache-Control without no-store: " + header.apply("Cache-Control").orElse("(none)"));
		}
		checkBody(failures, body, status, code);
		String lowerBody = body.toLowerCase(Locale.ROOT);
		List<String> echoes = new ArrayList<>(List.of(HOSTILE_MARKER, HOSTILE_HOST, "script", "%3c"));
		echoes.addAll(List.of(neverEchoed));
		for (String echo : echoes) {
			if (lowerBody.contains(echo.toLowerCase(Locale.ROOT))) {
				failures.add("the body echoes '" + abbreviate(echo) + "'");
			}
		}
		if (!failures.isEmpty()) {
			throw new AssertionError("Not the expected error answer (" + status + " " + code + "): "
					+ String.join("; ", failures) + "\n" + abbreviate(what));
		}
	}

	private static void checkBody(List<String> failures, String body, int status, String code) {
		if (body.length() > MAX_BODY_LENGTH) {
			failures.add("body of " + body.length() + " characters, at most " + MAX_BODY_LENGTH + " expected");
		}
		JsonNode problem;
		try {
			problem = JSON.readTree(body);
		}
		catch (RuntimeException ex) {
			failures.add("the body is not JSON");
			return;
		}
		if (problem == null || !problem.isObject()) {
			failures.add("the body is not a JSON object");
			return;
		}
		if (!code.equals(problem.path("code").asString(""))) {
			failures.add("code '" + problem.path("code").asString("") + "', expected '" + code + "'");
		}
		if (problem.path("status").asInt(0) != status) {
			failures.add("status member " + problem.path("status") + ", expected " + status);
		}
		if (problem.path("type").asString("").isBlank() || problem.path("title").asString("").isBlank()) {
			failures.add("no type or title");
		}
		if (problem.has("instance")) {
			failures.add("an instance member (the request path)");
		}
	}

	private static void expectHeader(List<String> failures, Function<String, Optional<String>> header, String name,
			String expected) {
		Optional<String> value = header.apply(name);
		if (value.isEmpty() || !value.get().equalsIgnoreCase(expected)) {
			failures
				.add(name + " " + value.map((v) -> "'" + v + "'").orElse("missing") + ", expected '" + expected + "'");
		}
	}

	private static String abbreviate(String text) {
		return (text.length() <= 2000) ? text : text.substring(0, 2000) + "... (" + text.length() + " characters)";
	}

}
