package dev.tenancy.web;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import tools.jackson.databind.json.JsonMapper;

import dev.tenancy.TenancyError;
import dev.tenancy.TenancyException;

/**
 * Writes {@code application/problem+json} (RFC 9457) bodies with a stable {@code code}
 * member. Bodies hold only fixed text from {@link TenancyError} (and a correlation id for
 * 500s), never request input, exception messages or stack traces, so two rejections for
 * different reasons of the same kind are byte-identical.
 */
public final class ProblemResponses {

	/** The problem media type. */
	public static final String PROBLEM_JSON = "application/problem+json";

	private static final String TYPE_PREFIX = TenancyException.TYPE_PREFIX;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ProblemResponses() {
	}

	/**
	 * Write a problem response, unless the response is already committed.
	 * @param response the response
	 * @param error the error
	 * @throws IOException on write failure
	 */
	public static void write(HttpServletResponse response, TenancyError error) throws IOException {
		write(response, error, null);
	}

	/**
	 * Write a problem response with a correlation id, unless the response is already
	 * committed.
	 * @param response the response
	 * @param error the error
	 * @param correlationId the correlation id, or {@code null}
	 * @throws IOException on write failure
	 */
	public static void write(HttpServletResponse response, TenancyError error, String correlationId)
			throws IOException {
		if (response.isCommitted()) {
			return;
		}
		response.resetBuffer();
		response.setStatus(error.status());
		response.setContentType(PROBLEM_JSON);
		response.setCharacterEncoding("UTF-8");
		response.setHeader("Cache-Control", "no-store");
		SecurityHeaders.apply(response);
		response.getOutputStream().write(body(error, correlationId));
		response.flushBuffer();
	}

	/**
	 * The body of a problem response.
	 * @param error the error
	 * @param correlationId the correlation id, or {@code null}
	 * @return UTF-8 JSON
	 */
	public static byte[] body(TenancyError error, String correlationId) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", TYPE_PREFIX + error.code());
		body.put("title", error.title());
		body.put("status", error.status());
		body.put("detail", error.detail());
		body.put("code", error.code());
		if (correlationId != null) {
			body.put("correlationId", correlationId);
		}
		return JSON.writeValueAsBytes(body);
	}

}
