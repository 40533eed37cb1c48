package dev.tenancy.registry.jdbc;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.tenancy.TenantId;
import dev.tenancy.registry.InvalidTenantConfigException;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.TenantRegistryException;
import dev.tenancy.registry.TenantRegistryUnavailableException;
import dev.tenancy.registry.TenantSecretAdministration;
import dev.tenancy.registry.TenantSecretCipher;
import dev.tenancy.registry.TenantSecrets;

/**
 * Tenant secrets in the PostgreSQL registry, encrypted by a {@link TenantSecretCipher}
 * before they reach the database. Writes lock the tenant's row, so a secret is never set
 * on a tenant being deleted (deletion removes its secrets), and append an audit entry
 * that names the secret and never holds its value. Reads are not cached: a secret lives
 * in memory only while it is used.
 */
public final class JdbcTenantSecrets implements TenantSecrets, TenantSecretAdministration {

	private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final String schema;

	private final TenantSecretCipher cipher;

	private final String tenantTable;

	private final String secretTable;

	private final String auditTable;

	/**
	 * Create the secrets of a registry.
	 * @param dataSource the registry's database
	 * @param schema the registry's schema
	 * @param cipher encrypts and decrypts the secrets
	 * ({@link TenantSecretCipher#disabled()} when no key is configured)
	 */
	public JdbcTenantSecrets(DataSource dataSource, String schema, TenantSecretCipher cipher) {
		if (schema == null || !IDENTIFIER.matcher(schema).matches()) {
			throw new IllegalArgumentException("Registry schema must be a plain lower-case SQL identifier");
		}
		this.jdbc = JdbcClient.create(dataSource);
		this.transactions = new TransactionTemplate(new JdbcTransactionManager(dataSource));
		this.cipher = cipher;
		this.schema = schema;
		this.tenantTable = schema + ".tenant";
		this.secretTable = schema + ".tenant_secret";
		this.auditTable = schema + ".tenant_audit";
	}

	/**
	 * Whether secrets can be used (a key is configured).
	 * @return {@code true} if enabled
	 */
	public boolean isEnabled() {
		return this.cipher.isEnabled();
	}

	@Override
	public Optional<String> find(TenantId tenant, String name) {
		if (!this.cipher.isEnabled()) {
			// the same clear failure whether or not a row exists
			this.cipher.currentKeyId();
		}
		if (!TenantSecretAdministration.isValidName(name)) {
			return Optional.empty();
		}
		Optional<StoredSecret> stored;
		try {
			stored = this.jdbc
				.sql("select s.key_id, s.ciphertext from " + this.secretTable + " s join " + this.tenantTable
						+ " t on t.id = s.tenant_id where s.tenant_id = ? and s.name = ? and t.status <> 'DELETED'")
				.params(tenant.value(), name)
				.query((rs, row) -> new StoredSecret(rs.getString("key_id"), rs.getBytes("ciphertext")))
				.optional();
		}
		catch (DataAccessException ex) {
			throw new TenantRegistryUnavailableException("Tenant secret query failed", ex);
		}
		return stored.map((secret) -> this.cipher.decrypt(secret.keyId(), tenant, name, secret.ciphertext()));
	}

	@Override
	public void put(TenantId tenant, String name, String value, TenantChange change) {
		checkName(name);
		if (value == null || value.isEmpty()
				|| value.getBytes(StandardCharsets.UTF_8).length > TenantSecretAdministration.MAX_VALUE_BYTES) {
			throw new InvalidTenantConfigException("value",
					"is required, text of 1 to " + TenantSecretAdministration.MAX_VALUE_BYTES + " bytes (UTF-8)");
		}
		String keyId = this.cipher.currentKeyId();
		byte[] ciphertext = this.cipher.encrypt(tenant, name, value);
		this.transactions.executeWithoutResult((status) -> {
			long version = lockTenant(tenant);
			long others = this.jdbc
				.sql("select count(*) from " + this.secretTable + " where tenant_id = ? and name <> ?")
				.params(tenant.value(), name)
				.query(Long.class)
				.single();
			if (others >= TenantSecretAdministration.MAX_SECRETS_PER_TENANT) {
				throw new InvalidTenantConfigException("name", "the tenant already has the most secrets allowed ("
						+ TenantSecretAdministration.MAX_SECRETS_PER_TENANT + "); delete one first");
			}
			this.jdbc
				.sql("insert into " + this.secretTable + " (tenant_id, name, key_id, ciphertext) values (?, ?, ?, ?) "
						+ "on conflict (tenant_id, name) do update set key_id = excluded.key_id, "
						+ "ciphertext = excluded.ciphertext, updated_at = now()")
				.params(tenant.value(), name, keyId, ciphertext)
				.update();
			audit(tenant, "secret-set", name, version, change);
		});
	}

	@Override
	public boolean delete(TenantId tenant, String name, TenantChange change) {
		if (!TenantSecretAdministration.isValidName(name)) {
			requireTenant(tenant);
			return false;
		}
		Boolean deleted = this.transactions.execute((status) -> {
			long version = lockTenant(tenant);
			int rows = this.jdbc.sql("delete from " + this.secretTable + " where tenant_id = ? and name = ?")
				.params(tenant.value(), name)
				.update();
			if (rows > 0) {
				audit(tenant, "secret-deleted", name, version, change);
			}
			return rows > 0;
		});
		return Boolean.TRUE.equals(deleted);
	}

	@Override
	public List<SecretInfo> list(TenantId tenant) {
		requireTenant(tenant);
		return this.jdbc
			.sql("select name, key_id, created_at, updated_at from " + this.secretTable
					+ " where tenant_id = ? order by name")
			.param(tenant.value())
			.query((rs, row) -> new SecretInfo(rs.getString("name"), rs.getString("key_id"),
					rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant()))
			.list();
	}

	/**
	 * Re-encrypt every secret not yet under the current key (after a key rotation), so
	 * the previous keys can be removed from configuration.
	 * @return how many secrets were re-encrypted
	 * @throws dev.tenancy.registry.TenantSecretsException when a secret cannot be
	 * decrypted with the configured keys (nothing is changed then)
	 */
	public int reencrypt() {
		String current = this.cipher.currentKeyId();
		Integer count = this.transactions.execute((status) -> {
			List<Map<String, Object>> rows = this.jdbc
				.sql("select tenant_id, name, key_id, ciphertext from " + this.secretTable
						+ " where key_id <> ? for update")
				.param(current)
				.query()
				.listOfRows();
			for (Map<String, Object> row : rows) {
				TenantId tenant = TenantId.of((String) row.get("tenant_id"));
				String name = (String) row.get("name");
				String plain = this.cipher.decrypt((String) row.get("key_id"), tenant, name,
						(byte[]) row.get("ciphertext"));
				this.jdbc
					.sql("update " + this.secretTable
							+ " set key_id = ?, ciphertext = ? where tenant_id = ? and name = ?")
					.params(current, this.cipher.encrypt(tenant, name, plain), tenant.value(), name)
					.update();
			}
			return rows.size();
		});
		return (count != null) ? count : 0;
	}

	private long lockTenant(TenantId tenant) {
		// the registry's order: the changes lock before any tenant row lock (the audit
		// row
		// written below needs it anyway)
		JdbcTenantRegistry.lockChanges(this.jdbc, this.schema);
		return this.jdbc
			.sql("select version from " + this.tenantTable + " where id = ? and status <> 'DELETED' for update")
			.param(tenant.value())
			.query(Long.class)
			.optional()
			.orElseThrow(() -> new TenantRegistryException.NotFound(tenant.value()));
	}

	private void requireTenant(TenantId tenant) {
		boolean exists = this.jdbc
			.sql("select count(*) from " + this.tenantTable + " where id = ? and status <> 'DELETED'")
			.param(tenant.value())
			.query(Long.class)
			.single() > 0;
		if (!exists) {
			throw new TenantRegistryException.NotFound(tenant.value());
		}
	}

	/** The audit entry of a secret change: its name, never its value. */
	private void audit(TenantId tenant, String action, String name, long version, TenantChange change) {
		Map<String, Object> after = new LinkedHashMap<>();
		after.put("secret", name);
		this.jdbc.sql("insert into " + this.auditTable
				+ " (tenant_id, action, actor, version, before, after, request_id) values (?, ?, ?, ?, null, ?::jsonb, ?)")
			.params(tenant.value(), action, change.actor(), version, JSON.writeValueAsString(after), change.requestId())
			.update();
	}

	private static void checkName(String name) {
		if (!TenantSecretAdministration.isValidName(name)) {
			throw new InvalidTenantConfigException("name", "must be a DNS label such as inbound-email-signing-key");
		}
	}

	@Override
	public String toString() {
		return "JdbcTenantSecrets[" + this.secretTable + ", " + this.cipher + "]";
	}

	private record StoredSecret(String keyId, byte[] ciphertext) {

		@Override
		public String toString() {
			return "StoredSecret[keyId=" + this.keyId + "]";
		}

	}

}
