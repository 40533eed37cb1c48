package dev.tenancy.web;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.TenancyError;

/**
 * The 503 answer for a dependency the request needs that is down: problem+json with its
 * code and {@code Retry-After}. An outage fails every request that needs the dependency,
 * so it is logged once per {@link #LOG_INTERVAL_NANOS} with the number of requests failed
 * meanwhile, not once per request with a stack trace.
 */
final class ServiceUnavailable {

	/**
	 * {@code Retry-After} in seconds: long enough for a pool to reconnect, short enough
	 * not to idle.
	 */
	static final String RETRY_AFTER_SECONDS = "5";

	private static final Logger logger = LoggerFactory.getLogger("dev.tenancy.web.DependencyUnavailable");

	private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

	private static final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

	private static final AtomicLong suppressed = new AtomicLong();

	private ServiceUnavailable() {
	}

	/**
	 * Log (throttled) and answer 503.
	 * @param request the request
	 * @param response the response, reset unless committed
	 * @param error the 503 error
	 * @param cause what failed
	 * @throws IOException on write failure
	 */
	static void answer(HttpServletRequest request, HttpServletResponse response, TenancyError error, Throwable cause)
			throws IOException {
		log(request, error, cause);
		if (response.isCommitted()) {
			return;
		}
		response.reset();
		write(response, error);
	}

	/**
	 * Write the 503 with {@code Retry-After}, unless the response is committed.
	 * @param response the response
	 * @param error the 503 error
	 * @throws IOException on write failure
	 */
	static void write(HttpServletResponse response, TenancyError error) throws IOException {
		if (response.isCommitted()) {
			return;
		}
		response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
		ProblemResponses.write(response, error);
	}

	private static void log(HttpServletRequest request, TenancyError error, Throwable cause) {
		long now = System.nanoTime();
		long last = lastLogged.get();
		if (now - last >= LOG_INTERVAL_NANOS && lastLogged.compareAndSet(last, now)) {
			long others = suppressed.getAndSet(0);
			logger.warn("{}: answering 503 ({} more since the last report); {} {} failed with {}", error.code(), others,
					request.getMethod(), request.getRequestURI(), describe(cause), cause);
		}
		else {
			suppressed.incrementAndGet();
			if (logger.isDebugEnabled()) {
				logger.debug("{}: {} {} failed with {}", error.code(), request.getMethod(), request.getRequestURI(),
						describe(cause));
			}
		}
	}

	private static String describe(Throwable cause) {
		Throwable root = cause;
		for (int depth = 0; depth < 32 && root.getCause() != null && root.getCause() != root; depth++) {
			root = root.getCause();
		}
		return (root == cause) ? cause.getClass().getName() : cause.getClass().getName() + " (" + root + ")";
	}

}
