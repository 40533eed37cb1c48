package dev.tenancy.web;

import dev.tenancy.TenancyError;

/**
 * The problem that answers an error status decided by the container or a framework
 * (Tomcat's own 400, a {@code sendError(405)}, Spring Security's 401/403 on a chain
 * without problem handlers): a status with a code of its own keeps it; any other client
 * error is a malformed request (400 {@code invalid_request}), {@code 503} is
 * {@code service_unavailable} and any other server error {@code internal_error}. The text
 * is always the code's fixed text, whatever message the status came with.
 */
final class ErrorStatuses {

	private ErrorStatuses() {
	}

	static TenancyError problemFor(int status) {
		return switch (status) {
			case 400 -> TenancyError.INVALID_REQUEST;
			case 401 -> TenancyError.UNAUTHORIZED;
			case 403 -> TenancyError.FORBIDDEN;
			case 404 -> TenancyError.NOT_FOUND;
			case 405 -> TenancyError.METHOD_NOT_ALLOWED;
			case 406 -> TenancyError.NOT_ACCEPTABLE;
			case 413 -> TenancyError.PAYLOAD_TOO_LARGE;
			case 415 -> TenancyError.UNSUPPORTED_MEDIA_TYPE;
			case 429 -> TenancyError.RATE_LIMITED;
			case 503 -> TenancyError.SERVICE_UNAVAILABLE;
			// 501 (CONNECT, an unknown transfer coding) and 505 (an unknown HTTP version)
			// are
			// requests this server refuses to read, like any other malformed request.
			default -> (status < 500 || status == 501 || status == 505) ? TenancyError.INVALID_REQUEST
					: TenancyError.INTERNAL_ERROR;
		};
	}

}
