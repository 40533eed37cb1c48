package dev.tenancy.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket, for requests that HTTP clients refuse to send: malformed
 * request lines, invalid characters, bad percent-encoding, odd methods ({@code TRACE},
 * {@code CONNECT}), a hostile {@code Host} header. The bytes go out exactly as given; the
 * answer is read until the server closes the connection, so requests should say
 * {@code Connection: close} (as {@link #request} does).
 */
public final class RawHttp {

	private static final int TIMEOUT_MILLIS = 30_000;

	private RawHttp() {
	}

	/**
	 * A request with the given request line parts and header lines, ending with
	 * {@code Connection: close} and an empty line.
	 * @param method the method, sent as is
	 * @param target the request target, sent as is (no encoding is applied)
	 * @param host the {@code Host} header value, or {@code null} for none
	 * @param headerLines further header lines without line ends, such as
	 * {@code "Accept: text/csv"}
	 * @return the request bytes (ISO-8859-1)
	 */
	public static byte[] request(String method, String target, String host, String... headerLines) {
		StringBuilder request = new StringBuilder().append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
		if (host != null) {
			request.append("Host: ").append(host).append("\r\n");
		}
		for (String line : headerLines) {
			request.append(line).append("\r\n");
		}
		request.append("Connection: close\r\n\r\n");
		return request.toString().getBytes(StandardCharsets.ISO_8859_1);
	}

	/**
	 * Send bytes to {@code localhost} and read the whole answer.
	 * @param port the port
	 * @param request the request bytes
	 * @return the response
	 */
	public static Response send(int port, byte[] request) {
		try (Socket socket = new Socket("localhost", port)) {
			socket.setSoTimeout(TIMEOUT_MILLIS);
			OutputStream out = socket.getOutputStream();
			try {
				out.write(request);
				out.flush();
			}
			catch (IOException writeFailed) {
				// The server may answer (400 for an oversized header) and close before
				// the whole
				// request is written: its answer is still there to read.
				return Response.parse(readAll(socket.getInputStream()));
			}
			return Response.parse(readAll(socket.getInputStream()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No answer on port " + port, ex);
		}
	}

	private static byte[] readAll(InputStream in) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		try {
			for (int n; (n = in.read(buffer)) != -1;) {
				bytes.write(buffer, 0, n);
			}
		}
		catch (SocketException ex) {
			// A reset after the answer: keep what arrived.
			if (bytes.size() == 0) {
				throw ex;
			}
		}
		return bytes.toByteArray();
	}

	/**
	 * A response read from the socket.
	 *
	 * @param status the status code, or {@code 0} for an answer without a status line
	 * (HTTP/0.9)
	 * @param headers the headers by lower-case name, in order of arrival
	 * @param body the body, decoded from UTF-8 (chunked transfer coding removed)
	 * @param raw the whole answer as ISO-8859-1 text
	 */
	public record Response(int status, Map<String, List<String>> headers, String body, String raw) {

		/**
		 * The first value of a header.
		 * @param name the header name, in any case
		 * @return the value, if present
		 */
		public Optional<String> header(String name) {
			List<String> values = this.headers.get(name.toLowerCase(Locale.ROOT));
			return (values == null || values.isEmpty()) ? Optional.empty() : Optional.of(values.get(0));
		}

		static Response parse(byte[] bytes) {
			String text = new String(bytes, StandardCharsets.ISO_8859_1);
			if (!text.startsWith("HTTP/")) {
				return new Response(0, Map.of(), utf8(text), text);
			}
			int split = text.indexOf("\r\n\r\n");
			String head = (split >= 0) ? text.substring(0, split) : text;
			String body = (split >= 0) ? text.substring(split + 4) : "";
			String[] lines = head.split("\r\n");
			int status = Integer.parseInt(lines[0].substring(9, 12));
			Map<String, List<String>> headers = new TreeMap<>();
			for (int i = 1; i < lines.length; i++) {
				int colon = lines[i].indexOf(':');
				if (colon > 0) {
					headers
						.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
								(name) -> new ArrayList<>())
						.add(lines[i].substring(colon + 1).trim());
				}
			}
			List<String> coding = headers.getOrDefault("transfer-encoding", List.of());
			if (coding.stream().anyMatch((value) -> value.equalsIgnoreCase("chunked"))) {
				body = dechunk(body);
			}
			headers.replaceAll((name, values) -> Collections.unmodifiableList(values));
			return new Response(status, Collections.unmodifiableMap(headers), utf8(body), text);
		}

		private static String utf8(String latin1) {
			return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
		}

		private static String dechunk(String chunked) {
			StringBuilder out = new StringBuilder();
			int at = 0;
			while (at < chunked.length()) {
				int lineEnd = chunked.indexOf("\r\n", at);
				if (lineEnd < 0) {
					break;
				}
				int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
				if (size == 0) {
					break;
				}
				out.append(chunked, lineEnd + 2, Math.min(chunked.length(), lineEnd + 2 + size));
				at = lineEnd + 2 + size + 2;
			}
			return out.toString();
		}

	}

}
