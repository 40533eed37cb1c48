package dev.tenancy.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds and signs inbound e-mail webhook deliveries as a provider would: JSON in the
 * documented shape, {@code X-Tenancy-Timestamp} and
 * {@code X-Tenancy-Signature: v1=hex(HMAC-SHA256(key, timestamp + "." + body))}.
 */
final class InboundMail {

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private InboundMail() {
	}

	static String json(List<String> envelopeTo, String to, String cc, String subject, String text, String messageId,
			String inReplyTo) {
		StringBuilder headers = new StringBuilder();
		if (messageId != null) {
			headers.append("Message-ID: ").append(messageId).append("\r\n");
		}
		if (inReplyTo != null) {
			headers.append("In-Reply-To: ").append(inReplyTo).append("\r\n");
		}
		List<String> quoted = new ArrayList<>();
		envelopeTo.forEach((address) -> quoted.add("\"" + address + "\""));
		return """
				{"envelope":{"to":[%s],"from":"traveller@example.com"},"from":"Traveller <traveller@example.com>",
				"to":"%s","cc":"%s","subject":"%s","text":"%s","html":"<p onclick=\\"alert(1)\\">%s</p><script>x()</script>",
				"headers":"%s","attachments":[{"filename":"ticket.pdf","contentType":"application/pdf","size":1234}]}"""
			.formatted(String.join(",", quoted), to, (cc != null) ? cc : "", subject, text, text,
					headers.toString().replace("\r\n", "\\r\\n"));
	}

	static String sign(String key, long timestamp, byte[] body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
			return "v1=" + HexFormat.of().formatHex(mac.doFinal(body));
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static HttpResponse<String> post(int port, String contentType, byte[] body, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/inbound/email"))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body));
		for (int i = 0; i < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		try {
			return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Signed now with the key. */
	static HttpResponse<String> deliver(int port, String key, String json) {
		return deliverAt(port, key, json, Instant.now().getEpochSecond());
	}

	static HttpResponse<String> deliverAt(int port, String key, String json, long timestamp) {
		byte[] body = json.getBytes(StandardCharsets.UTF_8);
		return post(port, "application/json", body, "X-Tenancy-Timestamp", Long.toString(timestamp),
				"X-Tenancy-Signature", sign(key, timestamp, body));
	}

}
