package dev.tenancy.sample.api;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import dev.tenancy.TenancyError;
import dev.tenancy.TenancyException;
import dev.tenancy.TenancyException.Violation;
import dev.tenancy.sample.trips.InvalidPageRequestException;
import dev.tenancy.sample.trips.TripNotFoundException;
import dev.tenancy.sample.trips.TripReferenceTakenException;

/**
 * The API's client errors in the one problem shape of every Tenancy answer
 * ({@link TenancyException}): {@code application/problem+json} (RFC 9457) with
 * {@code type} {@code urn:problem-type:tenancy:<code>}, {@code title}, {@code status},
 * {@code detail}, {@code code} and, for invalid input, {@code violations} ({@code path}
 * and {@code message}). Bodies hold fixed text and the names of invalid fields, never the
 * rejected values, parser messages or the request path. Anything not handled here is left
 * to the starter, which answers a generic 500 {@code internal_error}.
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	/** The one 404 body for trips: byte-identical whatever the reason. */
	private static final byte[] TRIP_NOT_FOUND = ("{\"type\":\"" + TenancyException.TYPE_PREFIX
			+ "not_found\",\"title\":\"" + TenancyError.NOT_FOUND.title() + "\","
			+ "\"status\":404,\"detail\":\"No such trip.\",\"code\":\"not_found\"}")
		.getBytes(StandardCharsets.UTF_8);

	private static final Map<Integer, TenancyError> ERRORS = Map.of(400, TenancyError.INVALID_REQUEST, 404,
			TenancyError.NOT_FOUND, 405, TenancyError.METHOD_NOT_ALLOWED, 406, TenancyError.NOT_ACCEPTABLE, 413,
			TenancyError.PAYLOAD_TOO_LARGE, 415, TenancyError.UNSUPPORTED_MEDIA_TYPE);

	@ExceptionHandler(TripNotFoundException.class)
	ResponseEntity<byte[]> tripNotFound() {
		return ResponseEntity.status(404).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(TRIP_NOT_FOUND.clone());
	}

	@ExceptionHandler(TripReferenceTakenException.class)
	ResponseEntity<Object> tripReferenceTaken() {
		// The sample's own code, in the catalogue's shape and type prefix.
		ProblemDetail problem = TenancyException.problem(TenancyError.CONFLICT,
				"You already have a trip with this reference.");
		problem.setType(java.net.URI.create(TenancyException.TYPE_PREFIX + "reference_taken"));
		problem.setProperty("code", "reference_taken");
		return respond(HttpStatusCode.valueOf(409), new HttpHeaders(), problem);
	}

	@ExceptionHandler(InvalidPageRequestException.class)
	ResponseEntity<ProblemDetail> invalidPageRequest(InvalidPageRequestException ex) {
		return new TenancyException(TenancyError.INVALID_REQUEST, "The page parameters are invalid.",
				List.of(new Violation(ex.parameter(), ex.reason())))
			.toResponseEntity();
	}

	@ExceptionHandler(TenancyException.class)
	ResponseEntity<ProblemDetail> tenancyException(TenancyException ex) {
		return ex.toResponseEntity();
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<Violation> violations = ex.getBindingResult()
			.getAllErrors()
			.stream()
			.map(ApiExceptionHandler::violation)
			.sorted(Comparator.comparing(Violation::path).thenComparing(Violation::message))
			.toList();
		ProblemDetail problem = new TenancyException(TenancyError.INVALID_REQUEST, "The request body is invalid.",
				violations)
			.getBody();
		return respond(HttpStatusCode.valueOf(400), headers, problem);
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		// The parser's message can quote the input: it is not echoed.
		return respond(HttpStatusCode.valueOf(400), headers, TenancyException.problem(TenancyError.INVALID_REQUEST,
				"The request body is missing or is not JSON of the expected shape."));
	}

	/**
	 * Spring MVC's own answers (404 for an unknown path, 405, 415, ...): the status and
	 * headers (such as {@code Allow}) are kept, the body is the catalogue's fixed problem
	 * of the status.
	 */
	@Override
	protected @Nullable ResponseEntity<Object> handleExceptionInternal(Exception ex, @Nullable Object body,
			HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
		TenancyError error = ERRORS.get(statusCode.value());
		if (error == null) {
			error = statusCode.is4xxClientError() ? TenancyError.INVALID_REQUEST : TenancyError.INTERNAL_ERROR;
		}
		ProblemDetail problem = TenancyException.problem(error, null);
		problem.setStatus(statusCode.value());
		return respond(statusCode, headers, problem);
	}

	private static ResponseEntity<Object> respond(HttpStatusCode status, HttpHeaders headers, ProblemDetail problem) {
		return ResponseEntity.status(status)
			.headers(headers)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(problem);
	}

	private static Violation violation(ObjectError error) {
		String path = (error instanceof FieldError fieldError) ? fieldError.getField() : error.getObjectName();
		return new Violation(path, String.valueOf(error.getDefaultMessage()));
	}

}
