package dev.tenancy.configserver;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tenancy.configserver.security.ClientCredentialsException;
import dev.tenancy.configserver.security.ClientCredentialsFailureAnalyzer;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Starts the real application (default profile, so only
 * src/main/resources/application.yml) with broken or missing client credentials: it must
 * refuse to start and say which property to set.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupValidationTest {

	@Test
	void refusesToStartWithoutClients(CapturedOutput output) {
		Throwable failure = start();

		assertRefused(failure, output, "tenancy.config-server.clients.<name>.password");
		assertThat(failure).rootCause().hasMessageContaining("No config server clients are configured");
	}

	@Test
	void refusesToStartWithABlankPassword(CapturedOutput output) {
		Throwable failure = start("--tenancy.config-server.clients.billing.password=   ");

		assertRefused(failure, output, "tenancy.config-server.clients.billing.password");
		assertThat(failure).rootCause().hasMessageContaining("Client 'billing' has no password");
	}

	@Test
	void refusesToStartWithAnEmptyPassword(CapturedOutput output) {
		Throwable failure = start("--tenancy.config-server.clients.billing.password=");

		assertRefused(failure, output, "tenancy.config-server.clients.billing.password");
	}

	@Test
	void refusesToStartWithAPlaintextPasswordAndNeverPrintsIt(CapturedOutput output) {
		Throwable failure = start("--tenancy.config-server.clients.sample-app.password=Plaintext-Secret-42");

		assertRefused(failure, output, "tenancy.config-server.clients.sample-app.password");
		assertThat(failure).rootCause().hasMessageContaining("no '{id}' encoding prefix");
		assertThat(output.getAll()).doesNotContain("Plaintext-Secret-42");
		assertThat(failure).rootCause().message().doesNotContain("Plaintext-Secret-42");
	}

	@Test
	void refusesToStartWhenOneOfSeveralClientsIsBroken(CapturedOutput output) {
		Throwable failure = start("--tenancy.config-server.clients.sample-app.password={noop}fine",
				"--tenancy.config-server.clients.billing.password={MD5}{salt}5d41402abc4b2a76b9719d911017c592");

		assertRefused(failure, output, "tenancy.config-server.clients.billing.password");
		assertThat(failure).rootCause().hasMessageContaining("unsupported encoding '{MD5}'");
		assertThat(output.getAll()).doesNotContain("5d41402abc4b2a76b9719d911017c592");
	}

	@Test
	void startsWithAValidClient(CapturedOutput output) {
		try (ConfigurableApplicationContext context = builder().run("--server.port=0",
				"--tenancy.config-server.clients.sample-app.password={noop}Started-Secret-7")) {
			assertThat(context.isRunning()).isTrue();
		}
		assertThat(output.getAll()).contains("Config server accepts 1 client(s): [sample-app]")
			.doesNotContain("Started-Secret-7")
			.doesNotContain("Using generated security password");
	}

	private static void assertRefused(Throwable failure, CapturedOutput output, String property) {
		assertThat(failure).as("the application must not start").isNotNull();
		assertThat(failure).rootCause().isInstanceOf(ClientCredentialsException.class).hasMessageContaining(property);

		FailureAnalysis analysis = new ClientCredentialsFailureAnalyzer().analyze(failure);
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains(property);
		assertThat(analysis.getAction()).contains("tenancy.config-server.clients.<name>.password");

		// the analyzer is registered, so Boot prints the friendly report
		assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
			.contains("Description:")
			.contains(property)
			.contains("Action:")
			.contains("tenancy.config-server.clients.<name>.password");
	}

	private static Throwable start(String... args) {
		List<String> all = new ArrayList<>(List.of(args));
		all.add("--server.port=0");
		return catchThrowable(() -> {
			try (ConfigurableApplicationContext context = builder().run(all.toArray(String[]::new))) {
				// started: the test fails on the null failure
			}
		});
	}

	private static SpringApplicationBuilder builder() {
		return new SpringApplicationBuilder(ConfigServerApplication.class);
	}

}
