package dev.tenancy.autoconfigure;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.tenancy.TenantId;
import dev.tenancy.registry.TenantRegistryUnavailableException;
import dev.tenancy.registry.remote.ConfigServerTenantRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code tenancy.registry.config-server.ssl-bundle}: the registry client trusts an
 * {@code https} config server through a Spring Boot SSL bundle, and without it refuses
 * the server's self-signed certificate.
 */
class TenancyConfigServerTlsTest {

	private static final String PASSWORD = "changeit";

	private static Path keyStore;

	private static HttpsServer server;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TenancyRegistryAutoConfiguration.class));

	@BeforeAll
	static void start(@TempDir Path dir) throws Exception {
		keyStore = dir.resolve("config-server.p12");
		Process keytool = new ProcessBuilder("keytool", "-genkeypair", "-alias", "config-server", "-keyalg", "RSA",
				"-keysize", "2048", "-validity", "2", "-dname", "CN=localhost", "-ext",
				"san=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
				"-storepass", PASSWORD, "-keypass", PASSWORD)
			.redirectErrorStream(true)
			.start();
		String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(keytool.exitValue()).as(output).isZero();
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(keyStore)) {
			store.load(in, PASSWORD.toCharArray());
		}
		KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keys.init(store, PASSWORD.toCharArray());
		SSLContext tls = SSLContext.getInstance("TLS");
		tls.init(keys.getKeyManagers(), null, null);
		server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.setHttpsConfigurator(new HttpsConfigurator(tls));
		server.createContext("/tenants/", (exchange) -> {
			String path = exchange.getRequestURI().getPath();
			String body = path.equals("/tenants/acme")
					? "{\"id\":\"acme\",\"displayName\":\"Acme Travel\",\"status\":\"active\",\"version\":1,\"config\":{}}"
					: path.equals("/tenants/changes/latest") ? "{\"cursor\":0}" : "{\"changes\":[],\"cursor\":0}";
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, bytes.length);
			exchange.getResponseBody().write(bytes);
			exchange.close();
		});
		server.start();
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.stop(0);
		}
	}

	private ApplicationContextRunner withServer(String... more) {
		return this.runner
			.withPropertyValues("tenancy.registry.source=config-server",
					"tenancy.registry.config-server.url=https://127.0.0.1:" + server.getAddress().getPort(),
					"spring.ssl.bundle.jks.config-server.truststore.location=file:" + keyStore,
					"spring.ssl.bundle.jks.config-server.truststore.password=" + PASSWORD,
					"spring.ssl.bundle.jks.config-server.truststore.type=PKCS12")
			.withPropertyValues(more);
	}

	@Test
	void trustsTheServerThroughTheSslBundle() {
		withServer("tenancy.registry.config-server.ssl-bundle=config-server").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ConfigServerTenantRegistry.class).find(TenantId.of("acme"))).isPresent();
		});
	}

	@Test
	void withoutTheBundleTheSelfSignedServerIsRefused() {
		withServer().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThatExceptionOfType(TenantRegistryUnavailableException.class)
				.isThrownBy(() -> context.getBean(ConfigServerTenantRegistry.class).find(TenantId.of("acme")));
		});
	}

	@Test
	void anUnknownBundleFailsAtStartUpNamingIt() {
		withServer("tenancy.registry.config-server.ssl-bundle=nope").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(TenancyConfigurationException.class)
				.hasMessageContaining("'nope'");
		});
	}

}
