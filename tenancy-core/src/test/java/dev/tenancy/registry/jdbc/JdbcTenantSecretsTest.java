package dev.tenancy.registry.jdbc;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.InvalidTenantConfigException;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.TenantRegistryException;
import dev.tenancy.registry.TenantSecretAdministration;
import dev.tenancy.registry.TenantSecretCipher;
import dev.tenancy.registry.TenantSecretsException;
import dev.tenancy.test.Databases;
import dev.tenancy.test.TestServices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tenant secrets in the PostgreSQL registry: encrypted at rest, bound to their tenant and
 * name, readable only with the right key, rotated by key id, never in the audit trail.
 */
class JdbcTenantSecretsTest {

	static final TenantChange OPS = new TenantChange("ops@example.com", "req-secrets");

	static final String KEY_1 = key(1);

	static final String KEY_2 = key(2);

	static final String SIGNING_KEY = "whsec_Zx81-very-secret-signing-key";

	static String schema;

	static HikariDataSource dataSource;

	static JdbcClient jdbc;

	JdbcTenantRegistry registry;

	JdbcTenantSecrets secrets;

	TenantId acme;

	TenantId globex;

	@BeforeAll
	static void migrate() {
		schema = Databases.uniqueName("secrets");
		dataSource = Databases.hikari(TestServices.postgres().jdbcUrl(), 4, "tenant-secrets-test");
		RegistryMigrations.migrate(dataSource, schema);
		jdbc = JdbcClient.create(dataSource);
	}

	@AfterAll
	static void close() {
		dataSource.close();
	}

	@BeforeEach
	void tenants(TestInfo test) {
		this.registry = new JdbcTenantRegistry(dataSource, schema, null);
		this.secrets = secrets(TenantSecretCipher.of("k1", KEY_1, Map.of()));
		String name = test.getTestMethod().orElseThrow().getName().toLowerCase().replaceAll("[^a-z0-9]", "");
		String prefix = name.substring(0, Math.min(40, name.length()));
		this.acme = TenantId.of(prefix + "-acme");
		this.globex = TenantId.of(prefix + "-globex");
		this.registry.create(this.acme, "Acme", TenantConfig.empty(), OPS);
		this.registry.create(this.globex, "Globex", TenantConfig.empty(), OPS);
	}

	@Test
	void aSecretRoundTripsAndIsStoredEncrypted() {
		this.secrets.put(this.acme, "inbound-email-signing-key", SIGNING_KEY, OPS);

		assertThat(this.secrets.find(this.acme, "inbound-email-signing-key")).contains(SIGNING_KEY);
		assertThat(this.secrets.find(this.acme, "other")).isEmpty();
		assertThat(this.secrets.find(this.globex, "inbound-email-signing-key")).isEmpty();
		Map<String, Object> row = jdbc
			.sql("select key_id, ciphertext, ciphertext::text as hex from " + schema
					+ ".tenant_secret where tenant_id = ?")
			.param(this.acme.value())
			.query()
			.singleRow();
		byte[] stored = (byte[]) row.get("ciphertext");
		assertThat(row.get("key_id")).isEqualTo("k1");
		assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(SIGNING_KEY)
			.doesNotContain("very-secret");
		assertThat(Base64.getEncoder().encodeToString(stored)).doesNotContain(
				Base64.getEncoder().encodeToString(SIGNING_KEY.getBytes(StandardCharsets.UTF_8)).substring(0, 12));
		assertThat((String) row.get("hex")).doesNotContain(hex(SIGNING_KEY.substring(0, 8)));
		// a fresh nonce each time: the same secret set twice is stored differently
		this.secrets.put(this.acme, "inbound-email-signing-key", SIGNING_KEY, OPS);
		byte[] again = jdbc.sql("select ciphertext from " + schema + ".tenant_secret where tenant_id = ?")
			.param(this.acme.value())
			.query(byte[].class)
			.single();
		assertThat(again).isNotEqualTo(stored);
		assertThat(this.secrets.find(this.acme, "inbound-email-signing-key")).contains(SIGNING_KEY);
	}

	@Test
	void aWrongKeyFailsClearlyWithoutTheSecret() {
		this.secrets.put(this.acme, "signing", SIGNING_KEY, OPS);
		JdbcTenantSecrets wrongKey = secrets(TenantSecretCipher.of("k1", KEY_2, Map.of()));
		JdbcTenantSecrets unknownKeyId = secrets(TenantSecretCipher.of("k2", KEY_2, Map.of()));

		assertThatExceptionOfType(TenantSecretsException.class).isThrownBy(() -> wrongKey.find(this.acme, "signing"))
			.withMessageContaining("cannot be decrypted")
			.withMessageContaining("'k1'")
			.withMessageNotContaining(SIGNING_KEY)
			.withMessageNotContaining(KEY_1)
			.withMessageNotContaining(KEY_2);
		assertThatExceptionOfType(TenantSecretsException.class)
			.isThrownBy(() -> unknownKeyId.find(this.acme, "signing"))
			.withMessageContaining("key id 'k1'")
			.withMessageContaining("tenancy.registry.secrets.previous-keys");
	}

	@Test
	void aRowCopiedToAnotherTenantOrNameDoesNotDecrypt() {
		this.secrets.put(this.acme, "signing", SIGNING_KEY, OPS);
		jdbc.sql("insert into " + schema + ".tenant_secret (tenant_id, name, key_id, ciphertext) "
				+ "select ?, name, key_id, ciphertext from " + schema + ".tenant_secret where tenant_id = ?")
			.params(this.globex.value(), this.acme.value())
			.update();
		jdbc.sql("insert into " + schema + ".tenant_secret (tenant_id, name, key_id, ciphertext) "
				+ "select tenant_id, 'renamed', key_id, ciphertext from " + schema
				+ ".tenant_secret where tenant_id = ? and name = 'signing'")
			.param(this.acme.value())
			.update();

		assertThatExceptionOfType(TenantSecretsException.class)
			.isThrownBy(() -> this.secrets.find(this.globex, "signing"));
		assertThatExceptionOfType(TenantSecretsException.class)
			.isThrownBy(() -> this.secrets.find(this.acme, "renamed"));
		assertThat(this.secrets.find(this.acme, "signing")).contains(SIGNING_KEY);
	}

	@Test
	void keysRotateByIdAndReencryptionRetiresThePreviousKey() {
		this.secrets.put(this.acme, "signing", SIGNING_KEY, OPS);
		JdbcTenantSecrets rotated = secrets(TenantSecretCipher.of("k2", KEY_2, Map.of("k1", KEY_1)));

		assertThat(rotated.find(this.acme, "signing")).contains(SIGNING_KEY);
		rotated.put(this.globex, "signing", "globex-secret", OPS);
		assertThat(rotated.list(this.globex)).extracting(TenantSecretAdministration.SecretInfo::keyId)
			.containsExactly("k2");

		assertThat(rotated.reencrypt()).isGreaterThanOrEqualTo(1);

		JdbcTenantSecrets retired = secrets(TenantSecretCipher.of("k2", KEY_2, Map.of()));
		assertThat(retired.find(this.acme, "signing")).contains(SIGNING_KEY);
		assertThat(retired.find(this.globex, "signing")).contains("globex-secret");
		assertThat(retired.list(this.acme)).extracting(TenantSecretAdministration.SecretInfo::keyId)
			.containsExactly("k2");
	}

	@Test
	void withoutAKeySecretsAreOffAndNothingIsStored() {
		JdbcTenantSecrets off = secrets(TenantSecretCipher.disabled());

		assertThat(off.isEnabled()).isFalse();
		assertThatExceptionOfType(TenantSecretsException.class)
			.isThrownBy(() -> off.put(this.acme, "signing", SIGNING_KEY, OPS))
			.withMessageContaining("tenancy.registry.secrets.key");
		assertThatExceptionOfType(TenantSecretsException.class).isThrownBy(() -> off.find(this.acme, "signing"))
			.withMessageContaining("tenancy.registry.secrets.key");
		assertThat(secretRows(this.acme)).isZero();
	}

	@Test
	void anUnknownOrDeletedTenantHasNoSecretsAndDeletionRemovesThem() {
		TenantId nobody = TenantId.of("nobody-" + this.acme.value().substring(0, 20));
		assertThatExceptionOfType(TenantRegistryException.NotFound.class)
			.isThrownBy(() -> this.secrets.put(nobody, "signing", SIGNING_KEY, OPS));
		assertThatExceptionOfType(TenantRegistryException.NotFound.class).isThrownBy(() -> this.secrets.list(nobody));
		assertThat(this.secrets.find(nobody, "signing")).isEmpty();

		this.secrets.put(this.acme, "signing", SIGNING_KEY, OPS);
		this.registry.changeStatus(this.acme, TenantStatus.DELETED, null, OPS);

		assertThat(secretRows(this.acme)).isZero();
		assertThat(this.secrets.find(this.acme, "signing")).isEmpty();
		assertThatExceptionOfType(TenantRegistryException.NotFound.class)
			.isThrownBy(() -> this.secrets.put(this.acme, "signing", SIGNING_KEY, OPS));
	}

	@Test
	void aSuspendedTenantKeepsItsSecrets() {
		this.secrets.put(this.acme, "signing", SIGNING_KEY, OPS);
		this.registry.changeStatus(this.acme, TenantStatus.SUSPENDED, null, OPS);

		assertThat(this.secrets.find(this.acme, "signing")).contains(SIGNING_KEY);
	}

	@Test
	void namesValuesAndCountsAreBounded() {
		for (String name : new String[] { null, "", "Signing", "signing key", "-signing", "a".repeat(64), "../x",
				"signing\u0000" }) {
			assertThatExceptionOfType(InvalidTenantConfigException.class)
				.isThrownBy(() -> this.secrets.put(this.acme, name, SIGNING_KEY, OPS));
			assertThat(this.secrets.find(this.acme, name)).isEmpty();
		}
		assertThatExceptionOfType(InvalidTenantConfigException.class)
			.isThrownBy(() -> this.secrets.put(this.acme, "signing", "", OPS));
		assertThatExceptionOfType(InvalidTenantConfigException.class).isThrownBy(() -> this.secrets.put(this.acme,
				"signing", "x".repeat(TenantSecretAdministration.MAX_VALUE_BYTES + 1), OPS));
		this.secrets.put(this.acme, "signing", "é".repeat(TenantSecretAdministration.MAX_VALUE_BYTES / 2), OPS);
		for (int i = 1; i < TenantSecretAdministration.MAX_SECRETS_PER_TENANT; i++) {
			this.secrets.put(this.acme, "s" + i, "v" + i, OPS);
		}
		assertThatExceptionOfType(InvalidTenantConfigException.class)
			.isThrownBy(() -> this.secrets.put(this.acme, "one-too-many", "v", OPS))
			.withMessageContaining("most secrets");
		// replacing one that exists is no new secret
		this.secrets.put(this.acme, "s1", "v1-new", OPS);
		assertThat(this.secrets.find(this.acme, "s1")).contains("v1-new");
		assertThat(secretRows(this.acme)).isEqualTo(TenantSecretAdministration.MAX_SECRETS_PER_TENANT);
	}

	@Test
	void theAuditTrailNamesTheSecretAndNeverHoldsItsValue() {
		this.secrets.put(this.acme, "signing", SIGNING_KEY, OPS);
		this.secrets.put(this.acme, "signing", SIGNING_KEY + "-2", OPS);
		assertThat(this.secrets.delete(this.acme, "signing", OPS)).isTrue();
		assertThat(this.secrets.delete(this.acme, "signing", OPS)).isFalse();

		assertThat(this.registry.audit(this.acme)).extracting("action")
			.containsExactly("created", "secret-set", "secret-set", "secret-deleted");
		assertThat(this.registry.audit(this.acme)).filteredOn((entry) -> entry.action().startsWith("secret"))
			.allSatisfy((entry) -> {
				assertThat(entry.after()).isEqualTo("{\"secret\": \"signing\"}");
				assertThat(entry.before()).isNull();
				assertThat(entry.actor()).isEqualTo("ops@example.com");
			});
		String everything = jdbc
			.sql("select coalesce(string_agg(before::text || ' ' || after::text || action, ' '), '') from " + schema
					+ ".tenant_audit")
			.query(String.class)
			.single();
		assertThat(everything).doesNotContain(SIGNING_KEY).doesNotContain("very-secret");
		assertThat(this.secrets.list(this.acme)).isEmpty();
	}

	@Test
	void theListingHasNamesAndDatesOnly() {
		this.secrets.put(this.acme, "zeta", "z-value", OPS);
		this.secrets.put(this.acme, "alpha", "a-value", OPS);

		assertThat(this.secrets.list(this.acme)).extracting(TenantSecretAdministration.SecretInfo::name)
			.containsExactly("alpha", "zeta");
		assertThat(this.secrets.list(this.acme).toString()).doesNotContain("z-value", "a-value");
		assertThat(this.secrets.toString()).doesNotContain(KEY_1);
	}

	private JdbcTenantSecrets secrets(TenantSecretCipher cipher) {
		return new JdbcTenantSecrets(dataSource, schema, cipher);
	}

	private long secretRows(TenantId tenant) {
		return jdbc.sql("select count(*) from " + schema + ".tenant_secret where tenant_id = ?")
			.param(tenant.value())
			.query(Long.class)
			.single();
	}

	private static String hex(String text) {
		StringBuilder hex = new StringBuilder();
		for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
			hex.append(String.format("%02x", b));
		}
		return hex.toString();
	}

	private static String key(int seed) {
		byte[] key = new byte[32];
		for (int i = 0; i < key.length; i++) {
			key[i] = (byte) (seed * 31 + i * 7);
		}
		return Base64.getEncoder().encodeToString(key);
	}

}
