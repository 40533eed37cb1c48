package dev.tenancy.sample;

import java.net.http.HttpResponse;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An unhandled exception is a generic 500 {@code internal_error} with a correlation id;
 * the body carries neither the exception's message nor SQL, the log carries both with the
 * correlation id.
 */
@LocalAppTest
@ExtendWith(OutputCaptureExtension.class)
class InternalErrorTest {

	@LocalServerPort
	int port;

	@Test
	void failureIsGenericInTheBodyAndCompleteInTheLog(CapturedOutput output) {
		Api api = new Api(this.port);

		HttpResponse<String> response = api.get("/api/test/fail", "Authorization",
				Api.bearer(api.token("acme-client")));

		assertThat(response.statusCode()).isEqualTo(500);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode body = Api.json(response);
		assertThat(body.path("code").asString()).isEqualTo("internal_error");
		String correlationId = body.path("correlationId").asString();
		assertThat(UUID.fromString(correlationId).toString()).isEqualTo(correlationId);
		assertThat(response.body()).doesNotContain(FailingEndpoint.FAKE_SECRET)
			.doesNotContainIgnoringCase("select")
			.doesNotContain("payments")
			.doesNotContain("IllegalStateException")
			.doesNotContain("Query failed")
			.doesNotContain("at dev.tenancy");

		assertThat(output.getAll()).contains(correlationId)
			.contains("[tenant=acme request=")
			.contains("java.lang.IllegalStateException: Query failed: " + FailingEndpoint.SQL)
			.contains("FailingEndpoint$FailingController.fail");
	}

	@Test
	void eachFailureGetsItsOwnCorrelationId() {
		Api api = new Api(this.port);

		String first = Api.json(api.get("/api/test/fail", "Authorization", Api.bearer(api.token("acme-client"))))
			.path("correlationId")
			.asString();
		String second = Api.json(api.get("/api/test/fail", "Authorization", Api.bearer(api.token("acme-client"))))
			.path("correlationId")
			.asString();

		assertThat(first).isNotBlank().isNotEqualTo(second);
	}

}
