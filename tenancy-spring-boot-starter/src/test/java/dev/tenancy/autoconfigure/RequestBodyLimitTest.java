package dev.tenancy.autoconfigure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tenancy.autoconfigure.webapp.TestApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tenancy.web.max-request-body-size} on a real Tomcat, with the exact bytes on the
 * wire: a declared length over the limit, a chunked body over it, bodies exactly at it,
 * and lengths that lie. The limit here is 1 KB.
 */
@SpringBootTest(classes = { TestApplication.class, RequestBodyLimitTest.Echo.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tenancy.web.max-request-body-size=1KB", "tenancy.security.public-paths=/public/**",
				"tenancy.resolution.exempt-paths=/public/**",
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
class RequestBodyLimitTest {

	private static final int LIMIT = 1024;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Test
	void declaredLengthOverTheLimitIs413BeforeTheBodyIsRead() throws IOException {
		Raw response = send(
				"POST /public/bytes HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
						+ "Content-Length: " + (LIMIT + 1) + "\r\n\r\n",
				bytes(LIMIT + 1));

		assertPayloadTooLarge(response);
	}

	@Test
	void hugeDeclaredLengthIs413WithoutWaitingForTheBody() throws IOException {
		// 10 GB announced, nothing sent: the answer comes at once, not after a read
		// timeout.
		long start = System.nanoTime();
		Raw response = send("POST /public/json HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
				+ "Content-Length: 10737418240\r\n\r\n", new byte[0]);

		assertPayloadTooLarge(response);
		assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isLessThan(5_000);
	}

	@Test
	void chunkedBodyOverTheLimitIs413() throws IOException {
		Raw response = send(
				"POST /public/bytes HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
						+ "Transfer-Encoding: chunked\r\n\r\n",
				chunked(bytes(3 * LIMIT), 500));

		assertPayloadTooLarge(response);
	}

	@Test
	void chunkedJsonOverTheLimitIs413NotA400() throws IOException {
		byte[] json = json(3 * LIMIT);
		Raw response = send("POST /public/json HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
				+ "Transfer-Encoding: chunked\r\n\r\n", chunked(json, 256));

		assertPayloadTooLarge(response);
	}

	@Test
	void bodyExactlyAtTheLimitIsAccepted() throws IOException {
		Raw declared = send(
				"POST /public/bytes HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
						+ "Content-Length: " + LIMIT + "\r\nConnection: close\r\n\r\n",
				bytes(LIMIT));
		assertThat(declared.status()).isEqualTo(200);
		assertThat(declared.json().path("bytes").asInt()).isEqualTo(LIMIT);

		Raw chunked = send(
				"POST /public/bytes HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
						+ "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
				chunked(bytes(LIMIT), 100));
		assertThat(chunked.status()).isEqualTo(200);
		assertThat(chunked.json().path("bytes").asInt()).isEqualTo(LIMIT);

		Raw json = send("POST /public/json HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
				+ "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n", chunked(json(LIMIT), 100));
		assertThat(json.status()).isEqualTo(200);
		assertThat(json.json().path("keys").asInt()).isEqualTo(1);
	}

	@Test
	void understatedContentLengthReadsOnlyWhatWasDeclared() throws IOException {
		// Declares 100 bytes, sends 3 KB: the application reads 100, the rest is not a
		// body.
		Raw response = send(
				"POST /public/bytes HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
						+ "Content-Length: 100\r\nConnection: close\r\n\r\n",
				bytes(3 * LIMIT));

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().path("bytes").asInt()).isEqualTo(100);
	}

	@Test
	void smallContentLengthBesideChunkedNeverGetsPastTheLimit() throws IOException {
		// Content-Length 10 and Transfer-Encoding: chunked: whatever the container makes
		// of it, more
		// than the limit is never accepted.
		Raw response = send(
				"POST /public/bytes HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
						+ "Content-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n",
				chunked(bytes(3 * LIMIT), 500));

		assertThat(response.status()).isIn(400, 413);
		if (response.status() == 200) {
			assertThat(response.json().path("bytes").asInt()).isLessThanOrEqualTo(LIMIT);
		}
	}

	private static void assertPayloadTooLarge(Raw response) {
		assertThat(response.status()).as(response.head()).isEqualTo(413);
		assertThat(response.header("content-type")).startsWith("application/problem+json");
		assertThat(response.header("x-content-type-options")).isEqualTo("nosniff");
		assertThat(response.header("connection")).isEqualToIgnoringCase("close");
		JsonNode body = response.json();
		assertThat(body.path("code").asString()).isEqualTo("payload_too_large");
		assertThat(body.path("status").asInt()).isEqualTo(413);
		assertThat(response.body()).doesNotContain("/public", "aaaa", "Exception");
	}

	private Raw send(String head, byte[] body) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			try {
				out.write(head.getBytes(StandardCharsets.ISO_8859_1));
				out.write(body);
				out.flush();
			}
			catch (IOException ex) {
				// The server may answer and close before the whole body is sent.
			}
			return Raw.read(socket.getInputStream());
		}
	}

	private static byte[] bytes(int length) {
		byte[] bytes = new byte[length];
		java.util.Arrays.fill(bytes, (byte) 'a');
		return bytes;
	}

	/** A JSON object of exactly {@code length} bytes: {"k":"aaa..."}. */
	private static byte[] json(int length) {
		StringBuilder json = new StringBuilder("{\"k\":\"");
		json.append("a".repeat(length - 8));
		json.append("\"}");
		assertThat(json.length()).isEqualTo(length);
		return json.toString().getBytes(StandardCharsets.US_ASCII);
	}

	private static byte[] chunked(byte[] body, int chunkSize) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (int offset = 0; offset < body.length; offset += chunkSize) {
			int length = Math.min(chunkSize, body.length - offset);
			out.writeBytes((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
			out.write(body, offset, length);
			out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
		}
		out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		return out.toByteArray();
	}

	/**
	 * One HTTP/1.1 response as read from the socket (the first one on the connection).
	 */
	record Raw(int status, String head, Map<String, String> headers, String body) {

		static Raw read(InputStream in) throws IOException {
			ByteArrayOutputStream all = new ByteArrayOutputStream();
			byte[] buffer = new byte[8192];
			int read;
			try {
				while ((read = in.read(buffer)) >= 0) {
					all.write(buffer, 0, read);
					Raw complete = parse(all.toString(StandardCharsets.UTF_8));
					if (complete != null) {
						return complete;
					}
				}
			}
			catch (IOException ex) {
				// reset after the answer: parse what came
			}
			Raw complete = parse(all.toString(StandardCharsets.UTF_8));
			assertThat(complete).as("a complete response in: %s", all.toString(StandardCharsets.UTF_8)).isNotNull();
			return complete;
		}

		private static Raw parse(String text) {
			int end = text.indexOf("\r\n\r\n");
			if (end < 0) {
				return null;
			}
			String head = text.substring(0, end);
			String[] lines = head.split("\r\n");
			Map<String, String> headers = new LinkedHashMap<>();
			for (int i = 1; i < lines.length; i++) {
				int colon = lines[i].indexOf(':');
				headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
						lines[i].substring(colon + 1).trim());
			}
			String rest = text.substring(end + 4);
			String body;
			if (headers.containsKey("content-length")) {
				int length = Integer.parseInt(headers.get("content-length"));
				if (rest.length() < length) {
					return null;
				}
				body = rest.substring(0, length);
			}
			else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
				body = dechunk(rest);
				if (body == null) {
					return null;
				}
			}
			else {
				body = rest;
			}
			return new Raw(Integer.parseInt(lines[0].split(" ")[1]), head, headers, body);
		}

		private static String dechunk(String rest) {
			StringBuilder body = new StringBuilder();
			int at = 0;
			while (true) {
				int lineEnd = rest.indexOf("\r\n", at);
				if (lineEnd < 0) {
					return null;
				}
				int size = Integer.parseInt(rest.substring(at, lineEnd).trim(), 16);
				if (size == 0) {
					return body.toString();
				}
				if (rest.length() < lineEnd + 2 + size + 2) {
					return null;
				}
				body.append(rest, lineEnd + 2, lineEnd + 2 + size);
				at = lineEnd + 2 + size + 2;
			}
		}

		String header(String name) {
			return this.headers.get(name);
		}

		JsonNode json() {
			return JSON.readTree(this.body);
		}

	}

	/** Endpoints that read a body: raw bytes, and JSON through Jackson. */
	@RestController
	static class Echo {

		@PostMapping("/public/bytes")
		Map<String, Object> bytes(@RequestBody byte[] body) {
			return Map.of("bytes", body.length);
		}

		@PostMapping("/public/json")
		Map<String, Object> json(@RequestBody Map<String, Object> body) {
			return Map.of("keys", body.size());
		}

	}

}
