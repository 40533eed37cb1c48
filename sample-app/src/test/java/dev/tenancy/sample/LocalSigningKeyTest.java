package dev.tenancy.sample;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code local} profile keeps its token signing key in a local file: a token minted
 * before a restart is accepted after it, by a new instance on the same file; an instance
 * with another key file refuses it. The file holds the private key, so only its owner may
 * read it.
 */
class LocalSigningKeyTest {

	@TempDir
	Path directory;

	private static ConfigurableApplicationContext start(Path keyFile) {
		return new SpringApplicationBuilder(SampleApplication.class).profiles("local")
			.run(TestDatabase.args("server.port=0", "sample.local-signing-key-file=" + keyFile));
	}

	private static Api api(ConfigurableApplicationContext context) {
		return new Api(context.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
	}

	private static String mint(Api api) {
		HttpResponse<String> response = api.tokenRequestBasic("acme-client", "acme-secret",
				"grant_type=client_credentials");
		assertThat(response.statusCode()).isEqualTo(200);
		return Api.json(response).path("access_token").asString();
	}

	@Test
	void tokensSurviveARestartAndOnlyTheKeyFileAcceptsThem() throws Exception {
		Path keyFile = this.directory.resolve("keys/local-signing-key.json");
		String token;
		try (ConfigurableApplicationContext first = start(keyFile)) {
			token = mint(api(first));
			assertThat(api(first).get("/api/tenant", "Authorization", Api.bearer(token)).statusCode()).isEqualTo(200);
		}
		assertThat(keyFile).exists();
		assertThat(Files.readString(keyFile)).contains("\"d\"");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
		try (ConfigurableApplicationContext restarted = start(keyFile)) {
			HttpResponse<String> response = api(restarted).get("/api/tenant", "Authorization", Api.bearer(token));
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			assertThat(response.body()).contains("acme");
		}
		try (ConfigurableApplicationContext other = start(this.directory.resolve("other-key.json"))) {
			assertThat(api(other).get("/api/tenant", "Authorization", Api.bearer(token)).statusCode()).isEqualTo(401);
		}
	}

}
