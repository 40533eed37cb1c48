package dev.tenancy.web;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.BufferedReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.filter.OncePerRequestFilter;

import dev.tenancy.TenancyError;

/**
 * Refuses request bodies larger than a limit with 413 {@code payload_too_large}.
 * <p>
 * A declared {@code Content-Length} over the limit is refused before anything reads the
 * body. A body without one (chunked) or with one that understates it is counted as it is
 * read: the read that passes the limit fails with {@link RequestBodyTooLargeException}
 * (an {@code IOException}, as a stream failure should be), and whatever the application
 * then answers (typically a 400 from its JSON converter, or a 500) is discarded and
 * replaced by the 413. A {@code Content-Length} larger than the body sent cannot make the
 * application read more than the limit either.
 * <p>
 * Form parameters that the servlet container parses itself ({@code getParameter} on an
 * {@code application/x-www-form-urlencoded} body) bypass the counting stream; the
 * declared length is still checked, and the container's own limit (Tomcat's
 * {@code maxPostSize}, 2 MB by default) bounds a chunked form.
 * <p>
 * The 413 closes the connection ({@code Connection: close}), so the server need not read
 * the rest of a body it has refused.
 */
public final class RequestBodyLimitFilter extends OncePerRequestFilter {

	private static final Logger logger = LoggerFactory.getLogger(RequestBodyLimitFilter.class);

	private final long maxBytes;

	/**
	 * A filter.
	 * @param maxBytes the largest accepted body in bytes (positive)
	 */
	public RequestBodyLimitFilter(long maxBytes) {
		if (maxBytes <= 0) {
			throw new IllegalArgumentException("maxBytes must be positive");
		}
		this.maxBytes = maxBytes;
	}

	/**
	 * @return the largest accepted body in bytes
	 */
	public long maxBytes() {
		return this.maxBytes;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request.getContentLengthLong() > this.maxBytes) {
			refuse(request, response);
			return;
		}
		if (hasNoUndeclaredBody(request)) {
			// Most requests: no body, or one bounded by its declared length, which the
			// container
			// never reads past. Counting (and the wrappers) is only for bodies of unknown
			// length.
			chain.doFilter(request, response);
			return;
		}
		LimitedRequest limited = new LimitedRequest(request, this.maxBytes);
		DiscardingResponse guarded = new DiscardingResponse(response, limited);
		try {
			chain.doFilter(limited, guarded);
		}
		catch (IOException | ServletException | RuntimeException ex) {
			if (!limited.exceeded()) {
				throw ex;
			}
		}
		if (limited.exceeded()) {
			refuse(request, response);
		}
	}

	/**
	 * Whether an HTTP/1.x request's body, if any, is bounded by its
	 * {@code Content-Length}: without {@code Transfer-Encoding} a request has either that
	 * many bytes or none (RFC 9112, 6.3). HTTP/2 frames a body without either header, so
	 * it is always counted.
	 */
	private static boolean hasNoUndeclaredBody(HttpServletRequest request) {
		return request.getHeader("Transfer-Encoding") == null && request.getProtocol() != null
				&& request.getProtocol().startsWith("HTTP/1.");
	}

	private static void refuse(HttpServletRequest request, HttpServletResponse response) throws IOException {
		logger.debug("Request body over the limit refused: {} {}", request.getMethod(), request.getRequestURI());
		if (response.isCommitted()) {
			return;
		}
		response.reset();
		response.setHeader("Connection", "close");
		ProblemResponses.write(response, TenancyError.PAYLOAD_TOO_LARGE);
	}

	/**
	 * A read passed the body size limit.
	 */
	public static final class RequestBodyTooLargeException extends IOException {

		private static final long serialVersionUID = 1L;

		RequestBodyTooLargeException() {
			super("The request body is larger than the limit");
		}

	}

	/** The request with a counting body stream. */
	private static final class LimitedRequest extends HttpServletRequestWrapper {

		private final long maxBytes;

		private volatile boolean exceeded;

		private CountingInputStream stream;

		private BufferedReader reader;

		LimitedRequest(HttpServletRequest request, long maxBytes) {
			super(request);
			this.maxBytes = maxBytes;
		}

		boolean exceeded() {
			return this.exceeded;
		}

		void markExceeded() {
			this.exceeded = true;
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			if (this.stream == null) {
				this.stream = new CountingInputStream(super.getInputStream(), this);
			}
			return this.stream;
		}

		@Override
		public BufferedReader getReader() throws IOException {
			if (this.reader == null) {
				String encoding = getCharacterEncoding();
				Charset charset = (encoding != null) ? Charset.forName(encoding) : StandardCharsets.ISO_8859_1;
				this.reader = new BufferedReader(new InputStreamReader(getInputStream(), charset));
			}
			return this.reader;
		}

	}

	/** Counts what is read and fails the read that passes the limit. */
	private static final class CountingInputStream extends ServletInputStream {

		private final ServletInputStream delegate;

		private final LimitedRequest request;

		private long count;

		CountingInputStream(ServletInputStream delegate, LimitedRequest request) {
			this.delegate = delegate;
			this.request = request;
		}

		@Override
		public int read() throws IOException {
			check(0);
			int b = this.delegate.read();
			if (b >= 0) {
				check(1);
			}
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			check(0);
			int read = this.delegate.read(buffer, offset, length);
			if (read > 0) {
				check(read);
			}
			return read;
		}

		@Override
		public int readLine(byte[] buffer, int offset, int length) throws IOException {
			check(0);
			int read = this.delegate.readLine(buffer, offset, length);
			if (read > 0) {
				check(read);
			}
			return read;
		}

		private void check(int read) throws RequestBodyTooLargeException {
			this.count += read;
			if (this.count > this.request.maxBytes) {
				this.request.markExceeded();
				throw new RequestBodyTooLargeException();
			}
		}

		@Override
		public boolean isFinished() {
			return this.delegate.isFinished();
		}

		@Override
		public boolean isReady() {
			return this.delegate.isReady();
		}

		@Override
		public void setReadListener(ReadListener listener) {
			this.delegate.setReadListener(listener);
		}

		@Override
		public int available() throws IOException {
			return this.delegate.available();
		}

		@Override
		public void close() throws IOException {
			this.delegate.close();
		}

	}

	/**
	 * The response as the application sees it: once the body has passed the limit,
	 * nothing the application does reaches the client, so the filter can answer 413
	 * instead of whatever error the failed read led to.
	 */
	private static final class DiscardingResponse extends HttpServletResponseWrapper {

		private final LimitedRequest request;

		private ServletOutputStream discardingStream;

		private PrintWriter discardingWriter;

		DiscardingResponse(HttpServletResponse response, LimitedRequest request) {
			super(response);
			this.request = request;
		}

		private boolean discarding() {
			return this.request.exceeded();
		}

		@Override
		public ServletOutputStream getOutputStream() throws IOException {
			if (!discarding()) {
				return super.getOutputStream();
			}
			if (this.discardingStream == null) {
				this.discardingStream = new DiscardingOutputStream();
			}
			return this.discardingStream;
		}

		@Override
		public PrintWriter getWriter() throws IOException {
			if (!discarding()) {
				return super.getWriter();
			}
			if (this.discardingWriter == null) {
				this.discardingWriter = new PrintWriter(
						new OutputStreamWriter(OutputStream.nullOutputStream(), StandardCharsets.UTF_8));
			}
			return this.discardingWriter;
		}

		@Override
		public void setStatus(int status) {
			if (!discarding()) {
				super.setStatus(status);
			}
		}

		@Override
		public void sendError(int status, String message) throws IOException {
			if (!discarding()) {
				super.sendError(status, message);
			}
		}

		@Override
		public void sendError(int status) throws IOException {
			if (!discarding()) {
				super.sendError(status);
			}
		}

		@Override
		public void sendRedirect(String location) throws IOException {
			if (!discarding()) {
				super.sendRedirect(location);
			}
		}

		@Override
		public void setHeader(String name, String value) {
			if (!discarding()) {
				super.setHeader(name, value);
			}
		}

		@Override
		public void addHeader(String name, String value) {
			if (!discarding()) {
				super.addHeader(name, value);
			}
		}

		@Override
		public void setIntHeader(String name, int value) {
			if (!discarding()) {
				super.setIntHeader(name, value);
			}
		}

		@Override
		public void addIntHeader(String name, int value) {
			if (!discarding()) {
				super.addIntHeader(name, value);
			}
		}

		@Override
		public void setDateHeader(String name, long date) {
			if (!discarding()) {
				super.setDateHeader(name, date);
			}
		}

		@Override
		public void addDateHeader(String name, long date) {
			if (!discarding()) {
				super.addDateHeader(name, date);
			}
		}

		@Override
		public void setContentType(String type) {
			if (!discarding()) {
				super.setContentType(type);
			}
		}

		@Override
		public void setContentLength(int length) {
			if (!discarding()) {
				super.setContentLength(length);
			}
		}

		@Override
		public void setContentLengthLong(long length) {
			if (!discarding()) {
				super.setContentLengthLong(length);
			}
		}

		@Override
		public void setCharacterEncoding(String charset) {
			if (!discarding()) {
				super.setCharacterEncoding(charset);
			}
		}

		@Override
		public void flushBuffer() throws IOException {
			if (!discarding()) {
				super.flushBuffer();
			}
		}

		@Override
		public void reset() {
			if (!discarding()) {
				super.reset();
			}
		}

		@Override
		public void resetBuffer() {
			if (!discarding()) {
				super.resetBuffer();
			}
		}

		@Override
		public boolean isCommitted() {
			// Nothing the application does now is sent, so to it the response is not
			// committed.
			return !discarding() && super.isCommitted();
		}

	}

	private static final class DiscardingOutputStream extends ServletOutputStream {

		@Override
		public void write(int b) {
		}

		@Override
		public void write(byte[] bytes, int offset, int length) {
		}

		@Override
		public boolean isReady() {
			return true;
		}

		@Override
		public void setWriteListener(WriteListener listener) {
		}

	}

}
