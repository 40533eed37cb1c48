package dev.tenancy;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;

/**
 * An answer with one of the {@linkplain TenancyError stable codes}, thrown by handlers
 * (the admin API, the config server, applications) and written as the one problem shape
 * every Tenancy answer has: {@code type} {@value #TYPE_PREFIX}{@code <code>}, the code's
 * fixed title, the status, a fixed detail, {@code code} and, for invalid input,
 * {@code violations} (each a {@code path} and a {@code message}, never the rejected
 * value) plus {@code path}, the first violation's path.
 * <p>
 * It is Spring's {@link ErrorResponse}; a controller answers it with
 * {@link #toResponseEntity()} from an {@code @ExceptionHandler}. No stack trace is
 * recorded: it is an answer, not a failure.
 */
public class TenancyException extends RuntimeException implements ErrorResponse {

	/** The prefix of every problem {@code type} of the Tenancy catalogue. */
	public static final String TYPE_PREFIX = "urn:problem-type:tenancy:";

	private final TenancyError error;

	private final String detail;

	private final List<Violation> violations;

	private final HttpHeaders headers = new HttpHeaders();

	private final Map<String, Object> properties = new LinkedHashMap<>();

	/**
	 * An answer with the code's fixed detail.
	 * @param error the code
	 */
	public TenancyException(TenancyError error) {
		this(error, null, List.of());
	}

	/**
	 * An answer with a detail of its own.
	 * @param error the code
	 * @param detail fixed text (never request input), or {@code null} for the code's own
	 * detail
	 */
	public TenancyException(TenancyError error, String detail) {
		this(error, detail, List.of());
	}

	/**
	 * An answer listing what is wrong with the input.
	 * @param error the code
	 * @param detail fixed text (never request input), or {@code null} for the code's own
	 * detail
	 * @param violations what is wrong, each naming its path (never the rejected value)
	 */
	public TenancyException(TenancyError error, String detail, List<Violation> violations) {
		super((detail != null) ? detail : error.detail(), null, false, false);
		this.error = Objects.requireNonNull(error, "error");
		this.detail = (detail != null) ? detail : error.detail();
		this.violations = List.copyOf(violations);
	}

	/**
	 * Add a header to the answer (an {@code ETag} to a version conflict, say).
	 * @param name the header name
	 * @param value the value
	 * @return this exception
	 */
	public TenancyException withHeader(String name, String value) {
		this.headers.add(name, value);
		return this;
	}

	/**
	 * Add a member to the problem (the domain a conflict is about, say).
	 * @param name the member name
	 * @param value the value: fixed or validated text, never raw request input
	 * @return this exception
	 */
	public TenancyException withProperty(String name, Object value) {
		this.properties.put(name, value);
		return this;
	}

	/**
	 * @return the code
	 */
	public TenancyError error() {
		return this.error;
	}

	/**
	 * @return what is wrong with the input; empty when the answer is not about input
	 */
	public List<Violation> violations() {
		return this.violations;
	}

	@Override
	public HttpStatusCode getStatusCode() {
		return HttpStatusCode.valueOf(this.error.status());
	}

	@Override
	public HttpHeaders getHeaders() {
		return this.headers;
	}

	@Override
	public ProblemDetail getBody() {
		ProblemDetail problem = problem(this.error, this.detail);
		this.properties.forEach(problem::setProperty);
		if (!this.violations.isEmpty()) {
			problem.setProperty("path", this.violations.get(0).path());
			problem.setProperty("violations", this.violations);
		}
		return problem;
	}

	/**
	 * The answer as a response entity: status, headers and the problem body.
	 * @return the response
	 */
	public ResponseEntity<ProblemDetail> toResponseEntity() {
		return ResponseEntity.status(getStatusCode())
			.headers(this.headers)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(getBody());
	}

	/**
	 * The problem of a code, in the catalogue's shape.
	 * @param error the code
	 * @param detail fixed text, or {@code null} for the code's own detail
	 * @return the problem
	 */
	public static ProblemDetail problem(TenancyError error, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(error.status()),
				(detail != null) ? detail : error.detail());
		problem.setType(URI.create(TYPE_PREFIX + error.code()));
		problem.setTitle(error.title());
		problem.setProperty("code", error.code());
		return problem;
	}

	/**
	 * One thing wrong with an input.
	 *
	 * @param path where, such as {@code config.rateLimit.window} or
	 * {@code tenancy.tenants.acme.config.rate-limit.window}
	 * @param message what is expected there, such as
	 * {@code must be a positive duration such as 1m or
	 * PT1M}; never the rejected value
	 */
	public record Violation(String path, String message) {

		public Violation {
			Objects.requireNonNull(path, "path");
			Objects.requireNonNull(message, "message");
		}

		@Override
		public String toString() {
			return this.path + ": " + this.message;
		}

	}

}
