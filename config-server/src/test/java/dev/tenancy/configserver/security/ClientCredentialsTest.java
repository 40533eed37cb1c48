package dev.tenancy.configserver.security;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tenancy.configserver.ConfigServerProperties;
import dev.tenancy.configserver.ConfigServerProperties.Client;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.crypto.password.Pbkdf2PasswordEncoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ClientCredentialsTest {

	private static ConfigServerProperties clients(String... namesAndPasswords) {
		Map<String, Client> clients = new LinkedHashMap<>();
		for (int i = 0; i < namesAndPasswords.length; i += 2) {
			clients.put(namesAndPasswords[i], new Client(namesAndPasswords[i + 1]));
		}
		return new ConfigServerProperties(clients);
	}

	private static ClientCredentialsException invalid(ConfigServerProperties properties) {
		ClientCredentialsException ex = catchThrowableOfType(ClientCredentialsException.class,
				() -> ClientCredentials.validate(properties));
		assertThat(ex).as("expected the clients to be rejected").isNotNull();
		return ex;
	}

	@Test
	void absentClientsAreRejected() {
		ClientCredentialsException ex = invalid(new ConfigServerProperties(null));

		assertThat(ex.problems()).singleElement()
			.satisfies((problem) -> assertThat(problem.property())
				.isEqualTo("tenancy.config-server.clients.<name>.password"));
		assertThat(ex.action()).contains("tenancy.config-server.clients.<name>.password").contains("'local' profile");
	}

	@Test
	void aClientWithoutAnyPasswordIsRejected() {
		Map<String, Client> map = new LinkedHashMap<>();
		map.put("billing", null);
		ClientCredentialsException ex = invalid(new ConfigServerProperties(map));

		assertThat(ex).hasMessageContaining("tenancy.config-server.clients.billing.password");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "\t" })
	void blankPasswordsAreRejected(String password) {
		assertThat(invalid(clients("billing", password)))
			.hasMessage("Client 'billing' has no password (tenancy.config-server.clients.billing.password)");
	}

	@ParameterizedTest
	@ValueSource(strings = { "hunter2-plaintext", "bcrypt}x", " {noop}spaced", "{noop", "noop}x" })
	void passwordsWithoutAnEncodingPrefixAreRejectedWithoutBeingEchoed(String password) {
		ClientCredentialsException ex = invalid(clients("sample-app", password));

		assertThat(ex).hasMessageContaining("no '{id}' encoding prefix")
			.hasMessageContaining("tenancy.config-server.clients.sample-app.password");
		assertThat(ex.getMessage()).doesNotContain(password.strip());
	}

	@ParameterizedTest
	@ValueSource(strings = { "{MD5}5d41402abc4b2a76b9719d911017c592", "{SHA-1}abc", "{sha256}abc", "{}abc",
			"{ldap}{SSHA}abc", "{BCRYPT}$2a$04$abcdefghijklmnopqrstuuS5ZrGm0dZD1bwpnkm4Eq3dmpm5CZ3i2" })
	void unsupportedEncodingsAreRejected(String password) {
		assertThat(invalid(clients("sample-app", password))).hasMessageContaining("unsupported encoding")
			.hasMessageContaining("tenancy.config-server.clients.sample-app.password");
	}

	@ParameterizedTest
	@ValueSource(strings = { "{noop}", "{noop}  ", "{bcrypt}" })
	void emptyEncodedValuesAreRejected(String password) {
		assertThat(invalid(clients("sample-app", password))).hasMessageContaining("is empty after its");
	}

	@ParameterizedTest
	@ValueSource(strings = { "{bcrypt}secret", "{bcrypt}$2a$10$tooShort",
			"{bcrypt} $2a$04$abcdefghijklmnopqrstuuS5ZrGm0dZD1bwpnkm4Eq3dmpm5CZ3i2" })
	void malformedBcryptHashesAreRejected(String password) {
		assertThat(invalid(clients("sample-app", password))).hasMessageContaining("is not a BCrypt hash")
			.message()
			.doesNotContain(password.substring("{bcrypt}".length()).strip());
	}

	@ParameterizedTest
	@ValueSource(strings = { "a,b", "../etc", "a/b", "a(_)b", " sample-app", "-leading", "trailing-",
			"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" })
	void unsafeClientNamesAreRejected(String name) {
		assertThat(invalid(clients(name, "{noop}secret"))).hasMessageContaining("is not allowed");
	}

	@Test
	void everyProblemIsReportedAtOnce() {
		ClientCredentialsException ex = invalid(clients("ok", "{noop}fine", "one", "", "two", "plain"));

		assertThat(ex.problems()).extracting(ClientCredentialsException.Problem::property)
			.containsExactly("tenancy.config-server.clients.one.password",
					"tenancy.config-server.clients.two.password");
		assertThat(ex.getMessage()).contains("tenancy.config-server.clients.one.password")
			.contains("tenancy.config-server.clients.two.password")
			.doesNotContain("plain)");
	}

	@Test
	void acceptedEncodingsAreUsableByTheServersPasswordEncoder() {
		PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
		String bcrypt = "{bcrypt}" + new BCryptPasswordEncoder(4).encode("pw");
		String pbkdf2 = "{pbkdf2@SpringSecurity_v5_8}"
				+ Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_8().encode("pw");
		ConfigServerProperties properties = clients("a", bcrypt, "b", "{noop}pw", "c", pbkdf2, "d.e_f-g", "{noop}pw");

		assertThatNoException().isThrownBy(() -> ClientCredentials.validate(properties));
		assertThat(encoder.matches("pw", bcrypt)).isTrue();
		assertThat(encoder.matches("pw", pbkdf2)).isTrue();
		assertThat(encoder.matches("pw", "{noop}pw")).isTrue();
	}

	@Test
	void userDetailsServiceReturnsAFreshUserEachTime() {
		ConfigClientUserDetailsService service = new ConfigClientUserDetailsService(clients("sample-app", "{noop}pw"));

		var first = service.loadUserByUsername("sample-app");
		var second = service.loadUserByUsername("sample-app");
		assertThat(first).isNotSameAs(second);
		assertThat(second.getPassword()).isEqualTo("{noop}pw");
		assertThat(first.getAuthorities()).extracting(Object::toString).containsExactly("CONFIG_CLIENT", "TENANT_API");
	}

	@Test
	void toStringNeverShowsPasswords() {
		ConfigServerProperties properties = clients("sample-app", "{noop}visible-secret");

		assertThat(properties.toString()).contains("sample-app").doesNotContain("visible-secret");
		assertThat(new Client(null).toString()).contains("<unset>");
	}

}
