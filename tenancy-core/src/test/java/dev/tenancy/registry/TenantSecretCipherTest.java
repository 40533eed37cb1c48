package dev.tenancy.registry;

import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tenancy.TenantId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The secrets' cipher: keys are checked without ever being echoed, and a stored secret
 * only opens for its own tenant, name and key.
 */
class TenantSecretCipherTest {

	static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

	static final TenantId ACME = TenantId.of("acme");

	@Test
	void malformedKeysAreRefusedWithoutEchoingThem() {
		String shortKey = Base64.getEncoder().encodeToString("sixteen-byte-key".getBytes());
		assertThatIllegalArgumentException().isThrownBy(() -> TenantSecretCipher.of("k1", shortKey, Map.of()))
			.withMessageContaining("32 bytes")
			.withMessageNotContaining(shortKey);
		assertThatIllegalArgumentException().isThrownBy(() -> TenantSecretCipher.of("k1", "not base64!!", Map.of()))
			.withMessageContaining("base64")
			.withMessageNotContaining("not base64!!");
		assertThatIllegalArgumentException().isThrownBy(() -> TenantSecretCipher.of("k 1", KEY, Map.of()));
		assertThatIllegalArgumentException().isThrownBy(() -> TenantSecretCipher.of("k1", KEY, Map.of("k1", KEY)));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TenantSecretCipher.of("k1", KEY, Map.of("old", "c2hvcnQ=")))
			.withMessageContaining("'old'");
	}

	@Test
	void aSecretOpensOnlyForItsTenantNameAndKey() {
		TenantSecretCipher cipher = TenantSecretCipher.of("k1", KEY, Map.of());
		byte[] sealed = cipher.encrypt(ACME, "signing", "s3cret");

		assertThat(cipher.decrypt("k1", ACME, "signing", sealed)).isEqualTo("s3cret");
		assertThatExceptionOfType(TenantSecretsException.class)
			.isThrownBy(() -> cipher.decrypt("k1", TenantId.of("globex"), "signing", sealed));
		assertThatExceptionOfType(TenantSecretsException.class)
			.isThrownBy(() -> cipher.decrypt("k1", ACME, "other", sealed));
		byte[] tampered = sealed.clone();
		tampered[tampered.length - 1] ^= 1;
		assertThatExceptionOfType(TenantSecretsException.class)
			.isThrownBy(() -> cipher.decrypt("k1", ACME, "signing", tampered));
		assertThatExceptionOfType(TenantSecretsException.class)
			.isThrownBy(() -> cipher.decrypt("k1", ACME, "signing", new byte[3]))
			.withMessageContaining("format");
	}

	@Test
	void aDisabledCipherRefusesEveryUseNamingTheProperty() {
		TenantSecretCipher off = TenantSecretCipher.disabled();

		assertThat(off.isEnabled()).isFalse();
		assertThatExceptionOfType(TenantSecretsException.class).isThrownBy(() -> off.encrypt(ACME, "signing", "x"))
			.withMessageContaining("tenancy.registry.secrets.key");
		assertThatExceptionOfType(TenantSecretsException.class)
			.isThrownBy(() -> off.decrypt("k1", ACME, "signing", new byte[40]));
		assertThat(TenantSecretCipher.of("k1", KEY, Map.of()).toString()).doesNotContain(KEY);
	}

}
