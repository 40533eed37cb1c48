package dev.tenancy.web;

import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.slf4j.MDC;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request an id: the caller's {@value #HEADER} when it is sane (1 to 100 of
 * {@code A-Z a-z 0-9 . _ : -}, so a log line never carries a caller's free text), a fresh
 * UUID otherwise. The id is in the SLF4J MDC under {@value #MDC_KEY} while the request
 * runs (so every log line of the request carries it as a field), in the request attribute
 * {@link #ATTRIBUTE} (the admin API's audit record uses it), and echoed in the
 * {@value #HEADER} response header, also on error answers that reset the response.
 */
public final class RequestIdFilter extends OncePerRequestFilter {

	/** The request and response header. */
	public static final String HEADER = "X-Request-ID";

	/** The MDC key, and the field name in structured logs. */
	public static final String MDC_KEY = "request_id";

	/** The request attribute holding the request's id. */
	public static final String ATTRIBUTE = RequestIdFilter.class.getName() + ".id";

	private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		return false;
	}

	@Override
	protected boolean shouldNotFilterErrorDispatch() {
		return false;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String id = requestId(request);
		String previous = MDC.get(MDC_KEY);
		MDC.put(MDC_KEY, id);
		try {
			response.setHeader(HEADER, id);
			chain.doFilter(request, new EchoingResponse(response, id));
		}
		finally {
			// An error dispatch runs inside the request's own scope on some containers:
			// give back what was there rather than clearing it.
			if (previous != null) {
				MDC.put(MDC_KEY, previous);
			}
			else {
				MDC.remove(MDC_KEY);
			}
		}
	}

	/**
	 * The id of a request: the one already given to it (async and error dispatches keep
	 * their request's id), else the caller's sane {@value #HEADER}, else a fresh UUID.
	 * @param request the request
	 * @return the id
	 */
	public static String requestId(HttpServletRequest request) {
		if (request.getAttribute(ATTRIBUTE) instanceof String id) {
			return id;
		}
		String id = request.getHeader(HEADER);
		if (id == null || !SANE.matcher(id).matches()) {
			id = UUID.randomUUID().toString();
		}
		request.setAttribute(ATTRIBUTE, id);
		return id;
	}

	/** Keeps the id header on a response that an error handler resets. */
	private static final class EchoingResponse extends HttpServletResponseWrapper {

		private final String id;

		EchoingResponse(HttpServletResponse response, String id) {
			super(response);
			this.id = id;
		}

		@Override
		public void reset() {
			super.reset();
			setHeader(HEADER, this.id);
		}

	}

}
