package dev.tenancy.sample;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's request body limit (1 MB by default) in front of {@code POST /api/trips}:
 * a 2 MB body is 413 {@code payload_too_large}, declared or chunked, never the 400 the
 * JSON parser would have given, and never stored.
 */
@LocalAppTest
class TripBodyLimitTest {

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	private static byte[] trip(int size) {
		String start = "{\"name\":\"Big\",\"destination\":\"";
		String end = "\",\"startDate\":\"2031-01-01\",\"endDate\":\"2031-01-02\"}";
		return (start + "x".repeat(size - start.length() - end.length()) + end).getBytes(StandardCharsets.US_ASCII);
	}

	private HttpResponse<String> post(HttpRequest.BodyPublisher body) throws Exception {
		String token = LocalTokens.forTenant(this.context, "tidewater", "body-limit-" + System.nanoTime());
		return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/trips"))
			.timeout(Duration.ofSeconds(30))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(body)
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void declaredTwoMegabytesIs413() throws Exception {
		HttpResponse<String> response = post(HttpRequest.BodyPublishers.ofByteArray(trip(2 * 1024 * 1024)));

		assertPayloadTooLarge(response);
	}

	@Test
	void chunkedTwoMegabytesIs413() throws Exception {
		byte[] body = trip(2 * 1024 * 1024);
		// An input stream has no known length: the client sends it chunked.
		HttpResponse<String> response = post(
				HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));

		assertPayloadTooLarge(response);
	}

	@Test
	void aBodyJustUnderTheLimitIsAnOrdinaryValidationAnswer() throws Exception {
		// 1 MB of destination is within the body limit; the field's own limit (100)
		// refuses it.
		HttpResponse<String> response = post(HttpRequest.BodyPublishers.ofByteArray(trip(1024 * 1024)));

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(Api.code(response)).isEqualTo("invalid_request");
	}

	private static void assertPayloadTooLarge(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(Api.code(response)).isEqualTo("payload_too_large");
		assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
		assertThat(response.body()).doesNotContain("xxxx", "Big");
	}

}
