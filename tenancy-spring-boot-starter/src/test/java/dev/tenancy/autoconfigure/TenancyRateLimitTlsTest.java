package dev.tenancy.autoconfigure;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import dev.tenancy.ratelimit.RedisRateLimitClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rate limiter reaches a TLS-only Redis through Spring Boot's connection details and
 * SSL bundle ({@code spring.data.redis.ssl.bundle}), and refuses its self-signed
 * certificate without the bundle. The test owns its Redis (port 55481, TLS only) and
 * stops it.
 */
class TenancyRateLimitTlsTest {

	private static final int TLS_PORT = 55481;

	private static final String PREFIX = "tenancy-test:" + UUID.randomUUID().toString().substring(0, 8) + ":tls";

	private static Path certificate;

	private static Process redis;

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, DataRedisAutoConfiguration.class,
				TenancyAutoConfiguration.class, TenancyRegistryAutoConfiguration.class,
				TenancyRateLimitAutoConfiguration.class))
		.withPropertyValues("tenancy.rate-limit.key-prefix=" + PREFIX, "spring.data.redis.host=127.0.0.1",
				"spring.data.redis.port=" + TLS_PORT, "spring.data.redis.ssl.enabled=true",
				"tenancy.rate-limit.redis.connect-timeout=2s");

	@BeforeAll
	static void startTlsRedis(@TempDir Path dir) throws Exception {
		certificate = dir.resolve("redis.crt");
		Path key = dir.resolve("redis.key");
		run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
				"-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key.toString(), "-out",
				certificate.toString());
		redis = new ProcessBuilder("redis-server", "--port", "0", "--tls-port", String.valueOf(TLS_PORT),
				"--tls-cert-file", certificate.toString(), "--tls-key-file", key.toString(), "--tls-auth-clients", "no",
				"--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
			.redirectErrorStream(true)
			.redirectOutput(dir.resolve("redis.log").toFile())
			.start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!accepts()) {
			assertThat(redis.isAlive()).as("redis-server with TLS started").isTrue();
			assertThat(System.nanoTime()).as("redis-server listening on %d", TLS_PORT).isLessThan(deadline);
			Thread.sleep(50);
		}
	}

	@AfterAll
	static void stopTlsRedis() throws InterruptedException {
		if (redis != null) {
			redis.destroy();
			redis.waitFor(10, TimeUnit.SECONDS);
		}
	}

	private static boolean accepts() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", TLS_PORT), 200);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static void run(String... command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
	}

	@Test
	void connectsWithTheSslBundleOfTheConnectionDetails() {
		this.runner
			.withPropertyValues("spring.data.redis.ssl.bundle=redis",
					"spring.ssl.bundle.pem.redis.truststore.certificate=file:" + certificate)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RedisRateLimitClient client = context.getBean(RedisRateLimitClient.class);
				assertThat(client.awaitConnected(Duration.ofSeconds(5))).isTrue();
			});
	}

	@Test
	void withoutTheBundleTheSelfSignedServerIsRefused() {
		this.runner.withPropertyValues("tenancy.rate-limit.redis.connect-timeout=500ms").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(RedisRateLimitClient.class).awaitConnected(Duration.ofSeconds(1))).isFalse();
		});
	}

}
