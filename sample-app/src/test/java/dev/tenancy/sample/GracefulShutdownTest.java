package dev.tenancy.sample;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A normal stop of the whole app (PostgreSQL registry with its NOTIFY listener, Redis
 * limiter): a tenant's request in flight finishes with 200, and nothing is logged at WARN
 * or ERROR from the moment the shutdown begins.
 */
@ExtendWith(OutputCaptureExtension.class)
class GracefulShutdownTest {

	static final CountDownLatch started = new CountDownLatch(1);

	@Test
	void aRequestInFlightFinishesAndTheStopIsQuiet(CapturedOutput output) throws Exception {
		ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleApplication.class, SlowEndpoint.class)
			.profiles("local")
			.run(TestDatabase.args("server.port=0"));
		Api api = new Api(app.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
		String bearer = Api.bearer(api.token("acme-client"));
		assertThat(api.get("/api/tenant", "Authorization", bearer).statusCode()).isEqualTo(200);

		CompletableFuture<HttpResponse<String>> slow = CompletableFuture
			.supplyAsync(() -> api.get("/api/test/slow", "Authorization", bearer));
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		int from = output.getOut().length();
		app.close();

		HttpResponse<String> response = slow.get(30, TimeUnit.SECONDS);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("done");
		String afterShutdown = output.getOut().substring(from) + "\n";
		assertThat(afterShutdown).contains("Commencing graceful shutdown");
		assertThat(afterShutdown.lines().filter((line) -> line.contains(" WARN ") || line.contains("ERROR ")))
			.as(afterShutdown)
			.isEmpty();
		assertThat(output.getErr()).doesNotContain("Exception");
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class SlowEndpoint {

		@RestController
		static class SlowController {

			@GetMapping("/api/test/slow")
			String slow() throws InterruptedException {
				started.countDown();
				Thread.sleep(1500);
				return "done";
			}

		}

	}

}
