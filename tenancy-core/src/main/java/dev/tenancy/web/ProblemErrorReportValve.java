package dev.tenancy.web;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

import dev.tenancy.TenancyError;

/**
 * Tomcat's error report as problem+json: the answers Tomcat gives before any application
 * code runs (a malformed request line, bad percent-encoding, an invalid or oversized
 * header, an unknown HTTP version, {@code CONNECT}) and any error nothing else wrote a
 * body for get the fixed body of their status ({@link ErrorStatuses}) with the security
 * headers, instead of Tomcat's HTML page. Install it as the host's error report valve, in
 * place of {@link ErrorReportValve}.
 */
public final class ProblemErrorReportValve extends ErrorReportValve {

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int status = response.getStatus();
		// As Tomcat's own valves: nothing for a success, for a body already written, or
		// for an
		// error that was reported already.
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		AtomicBoolean ioAllowed = new AtomicBoolean(false);
		response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
		if (!ioAllowed.get()) {
			return;
		}
		// The status decides: Tomcat reports a request it could not parse as a 400 with
		// the parse
		// exception attached, and that is the client's error, not ours.
		TenancyError error = ErrorStatuses.problemFor(status);
		String correlationId = null;
		if (error == TenancyError.INTERNAL_ERROR) {
			correlationId = InternalErrors.log(request, (throwable != null) ? throwable
					: new IllegalStateException("Error status " + status + " without an exception"));
		}
		try {
			response.setStatus(error.status());
			response.setContentType(ProblemResponses.PROBLEM_JSON);
			response.setCharacterEncoding("UTF-8");
			SecurityHeaders.apply(response);
			if (error.status() == 503 && !response.containsHeader("Retry-After")) {
				response.setHeader("Retry-After", "5");
			}
			Writer writer = response.getReporter();
			if (writer != null) {
				writer.write(new String(ProblemResponses.body(error, correlationId), StandardCharsets.UTF_8));
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException ex) {
			// The client is gone or the response cannot take a body: nothing more to say.
		}
	}

}
