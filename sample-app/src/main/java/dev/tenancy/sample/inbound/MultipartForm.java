package dev.tenancy.sample.inbound;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A strict reader of {@code multipart/form-data} (RFC 7578) over a body already read and
 * bounded: the webhook's signature covers the raw bytes, so the body is verified as
 * received and then split here, never parsed by the container first.
 */
final class MultipartForm {

	/** The most parts a form may have. */
	static final int MAX_PARTS = 200;

	private MultipartForm() {
	}

	/**
	 * A part.
	 *
	 * @param name the field name
	 * @param filename the file name, or {@code null} for a plain field
	 * @param contentType the part's content type, or {@code null}
	 * @param content the bytes
	 */
	record Part(String name, String filename, String contentType, byte[] content) {

		String text() {
			return new String(this.content, StandardCharsets.UTF_8);
		}

	}

	/**
	 * The boundary of a {@code multipart/form-data} content type.
	 * @param contentType the header value
	 * @return the boundary, or empty when it has none or an invalid one
	 */
	static Optional<String> boundary(String contentType) {
		for (String parameter : contentType.split(";")) {
			String trimmed = parameter.trim();
			if (trimmed.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
				String value = trimmed.substring("boundary=".length());
				if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
					value = value.substring(1, value.length() - 1);
				}
				// RFC 2046: 1 to 70 characters
				if (!value.isEmpty() && value.length() <= 70 && value.chars().allMatch((c) -> c > 0x20 && c < 0x7f)) {
					return Optional.of(value);
				}
			}
		}
		return Optional.empty();
	}

	/**
	 * Split a body into its parts.
	 * @param body the body
	 * @param boundary the boundary
	 * @return the parts
	 * @throws IllegalArgumentException when the body is not well-formed
	 */
	static List<Part> parse(byte[] body, String boundary) {
		byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
		byte[] nextDelimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
		int position = indexOf(body, delimiter, 0);
		if (position < 0) {
			throw new IllegalArgumentException("no boundary");
		}
		position += delimiter.length;
		List<Part> parts = new ArrayList<>();
		while (true) {
			if (startsWith(body, position, "--")) {
				return parts;
			}
			if (!startsWith(body, position, "\r\n")) {
				throw new IllegalArgumentException("malformed delimiter");
			}
			position += 2;
			int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), position);
			if (headersEnd < 0) {
				throw new IllegalArgumentException("unterminated part headers");
			}
			String headers = new String(body, position, headersEnd - position, StandardCharsets.UTF_8);
			int contentStart = headersEnd + 4;
			int contentEnd = indexOf(body, nextDelimiter, contentStart);
			if (contentEnd < 0) {
				throw new IllegalArgumentException("unterminated part");
			}
			if (parts.size() == MAX_PARTS) {
				throw new IllegalArgumentException("too many parts");
			}
			parts.add(part(headers, java.util.Arrays.copyOfRange(body, contentStart, contentEnd)));
			position = contentEnd + nextDelimiter.length;
		}
	}

	private static Part part(String headers, byte[] content) {
		String name = null;
		String filename = null;
		String contentType = null;
		for (String line : headers.split("\r\n")) {
			int colon = line.indexOf(':');
			if (colon <= 0) {
				throw new IllegalArgumentException("malformed part header");
			}
			String header = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
			String value = line.substring(colon + 1).trim();
			if ("content-disposition".equals(header)) {
				name = parameter(value, "name");
				filename = parameter(value, "filename");
			}
			else if ("content-type".equals(header)) {
				contentType = value;
			}
		}
		if (name == null) {
			throw new IllegalArgumentException("part without a name");
		}
		return new Part(name, filename, contentType, content);
	}

	private static String parameter(String disposition, String wanted) {
		for (String parameter : disposition.split(";")) {
			String trimmed = parameter.trim();
			int equals = trimmed.indexOf('=');
			if (equals > 0 && trimmed.substring(0, equals).trim().equalsIgnoreCase(wanted)) {
				String value = trimmed.substring(equals + 1).trim();
				if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
					value = value.substring(1, value.length() - 1);
				}
				return value;
			}
		}
		return null;
	}

	private static boolean startsWith(byte[] body, int position, String prefix) {
		if (position + prefix.length() > body.length) {
			return false;
		}
		for (int i = 0; i < prefix.length(); i++) {
			if (body[position + i] != prefix.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	static int indexOf(byte[] body, byte[] pattern, int from) {
		outer: for (int i = Math.max(from, 0); i <= body.length - pattern.length; i++) {
			for (int j = 0; j < pattern.length; j++) {
				if (body[i + j] != pattern[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

}
