package dev.tenancy.sample.api;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import dev.tenancy.sample.trips.InvalidPageRequestException;
import dev.tenancy.sample.trips.TripNotFoundException;
import dev.tenancy.sample.trips.TripReferenceTakenException;

/**
 * The API's client errors as {@code application/problem+json} (RFC 9457) with a stable
 * {@code code} member, shaped like the starter's: {@code type}, {@code title}, {@code status},
 * {@code detail}, {@code code}. Bodies hold fixed text and the names of invalid fields, never the
 * rejected values, parser messages or the request path. Anything not handled here is left to the
 * starter, which answers a generic 500 {@code internal_error}.
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	private static final String TYPE_PREFIX = "urn:problem-type:sample:";

	/** The one 404 body for trips: byte-identical whatever the reason. */
	private static final byte[] TRIP_NOT_FOUND = ("{\"type\":\"" + TYPE_PREFIX + "not_found\",\"title\":\"Not found\","
			+ "\"status\":404,\"detail\":\"No such trip.\",\"code\":\"not_found\"}")
		.getBytes(StandardCharsets.UTF_8);

	private static final Map<Integer, String> CODES = Map.of(400, "invalid_request", 404, "not_found", 405,
			"method_not_allowed", 406, "not_acceptable", 413, "payload_too_large", 415, "unsupported_media_type");

	@ExceptionHandler(TripNotFoundException.class)
	ResponseEntity<byte[]> tripNotFound() {
		return ResponseEntity.status(HttpStatus.NOT_FOUND)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(TRIP_NOT_FOUND.clone());
	}

	@ExceptionHandler(TripReferenceTakenException.class)
	ResponseEntity<Object> tripReferenceTaken() {
		Map<String, Object> problem = problem(HttpStatus.CONFLICT, "Conflict",
				"You already have a trip with this reference.");
		problem.put("type", TYPE_PREFIX + "reference_taken");
		problem.put("code", "reference_taken");
		return respond(HttpStatus.CONFLICT, new HttpHeaders(), problem);
	}

	@ExceptionHandler(InvalidPageRequestException.class)
	ResponseEntity<Object> invalidPageRequest(InvalidPageRequestException ex) {
		Map<String, Object> problem = problem(HttpStatus.BAD_REQUEST, "Invalid request",
				"The page parameters are invalid.");
		Map<String, String> error = new LinkedHashMap<>();
		error.put("field", ex.parameter());
		error.put("message", ex.reason());
		problem.put("errors", List.of(error));
		return respond(HttpStatus.BAD_REQUEST, new HttpHeaders(), problem);
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		Map<String, Object> problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", "The request body is invalid.");
		List<Map<String, String>> errors = ex.getBindingResult()
			.getAllErrors()
			.stream()
			.map(ApiExceptionHandler::fieldError)
			.sorted(Comparator.comparing((Map<String, String> error) -> error.get("field"))
				.thenComparing((error) -> error.get("message")))
			.toList();
		problem.put("errors", errors);
		return respond(HttpStatus.BAD_REQUEST, headers, problem);
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		// The parser's message can quote the input: it is not echoed.
		return respond(HttpStatus.BAD_REQUEST, headers, problem(HttpStatus.BAD_REQUEST, "Invalid request",
				"The request body is missing or is not JSON of the expected shape."));
	}

	/**
	 * Spring MVC's own answers (404 for an unknown path, 405, 415, ...): the status and headers
	 * (such as {@code Allow}) are kept, the body is replaced by fixed text.
	 */
	@Override
	protected @Nullable ResponseEntity<Object> handleExceptionInternal(Exception ex, @Nullable Object body,
			HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
		HttpStatus status = HttpStatus.resolve(statusCode.value());
		String title = (status != null) ? status.getReasonPhrase() : "Error";
		return respond(statusCode, headers, problem(statusCode, title, null));
	}

	private static Map<String, Object> problem(HttpStatusCode status, String title, @Nullable String detail) {
		String code = CODES.getOrDefault(status.value(), "error");
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", TYPE_PREFIX + code);
		problem.put("title", title);
		problem.put("status", status.value());
		if (detail != null) {
			problem.put("detail", detail);
		}
		problem.put("code", code);
		return problem;
	}

	private static ResponseEntity<Object> respond(HttpStatusCode status, HttpHeaders headers,
			Map<String, Object> problem) {
		return ResponseEntity.status(status)
			.headers(headers)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(problem);
	}

	private static Map<String, String> fieldError(ObjectError error) {
		Map<String, String> entry = new LinkedHashMap<>();
		entry.put("field", (error instanceof FieldError fieldError) ? fieldError.getField() : error.getObjectName());
		entry.put("message", String.valueOf(error.getDefaultMessage()));
		return entry;
	}

}
