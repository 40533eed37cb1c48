package dev.tenancy.registry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import dev.tenancy.TenantId;

/**
 * Encrypts tenant secrets for storage: AES-256-GCM under a key from configuration, never
 * the database's. A stored secret is {@code 0x01 | nonce (12 bytes) | ciphertext | tag
 * (16 bytes)}, kept beside the id of the key that encrypted it, so keys can be rotated:
 * new writes use the current key, and earlier keys, still configured by id, keep
 * decrypting older rows until they are re-encrypted. The tenant, the secret's name and
 * the key id are bound into every ciphertext as associated data: a row copied to another
 * tenant or name does not decrypt.
 * <p>
 * Without a key the cipher is {@linkplain #disabled() disabled}: every use fails with a
 * {@link TenantSecretsException} saying which property to set. Secrets are never stored
 * in plain text instead.
 */
public final class TenantSecretCipher {

	/** The one format so far; the first byte of every stored secret. */
	static final byte FORMAT = 1;

	/** Bytes of a key: AES-256. */
	public static final int KEY_LENGTH = 32;

	private static final int NONCE_LENGTH = 12;

	private static final int TAG_BITS = 128;

	private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	private static final String NOT_CONFIGURED = "Tenant secrets are off: no encryption key is configured. Set "
			+ "tenancy.registry.secrets.key to a base64-encoded random 32-byte key (openssl rand -base64 32).";

	private static final SecureRandom RANDOM = new SecureRandom();

	private final String currentKeyId;

	private final Map<String, SecretKey> keys;

	private TenantSecretCipher(String currentKeyId, Map<String, SecretKey> keys) {
		this.currentKeyId = currentKeyId;
		this.keys = keys;
	}

	/**
	 * A cipher that refuses every use, for when no key is configured.
	 * @return the disabled cipher
	 */
	public static TenantSecretCipher disabled() {
		return new TenantSecretCipher(null, Map.of());
	}

	/**
	 * A cipher that encrypts with one key and decrypts with it and earlier ones.
	 * @param currentKeyId the id of the key new secrets are encrypted with
	 * @param currentKey that key, base64 (32 bytes)
	 * @param previousKeys earlier keys by id, base64, for secrets not re-encrypted yet
	 * @return the cipher
	 * @throws IllegalArgumentException when an id or a key is malformed (the message
	 * names the id, never the key)
	 */
	public static TenantSecretCipher of(String currentKeyId, String currentKey, Map<String, String> previousKeys) {
		Map<String, SecretKey> keys = new LinkedHashMap<>();
		keys.put(checkKeyId(currentKeyId), key(currentKeyId, currentKey));
		if (previousKeys != null) {
			previousKeys.forEach((id, key) -> {
				if (keys.putIfAbsent(checkKeyId(id), key(id, key)) != null) {
					throw new IllegalArgumentException("key id '" + id + "' is both the current and a previous key");
				}
			});
		}
		return new TenantSecretCipher(currentKeyId, Map.copyOf(keys));
	}

	/**
	 * Whether secrets can be used.
	 * @return {@code true} when a key is configured
	 */
	public boolean isEnabled() {
		return this.currentKeyId != null;
	}

	/**
	 * The id of the key new secrets are encrypted with.
	 * @return the key id
	 * @throws TenantSecretsException when no key is configured
	 */
	public String currentKeyId() {
		requireEnabled();
		return this.currentKeyId;
	}

	/**
	 * Encrypt a secret with the current key.
	 * @param tenant the tenant it belongs to
	 * @param name its name
	 * @param plaintext the secret
	 * @return the stored form
	 * @throws TenantSecretsException when no key is configured
	 */
	public byte[] encrypt(TenantId tenant, String name, String plaintext) {
		requireEnabled();
		byte[] nonce = new byte[NONCE_LENGTH];
		RANDOM.nextBytes(nonce);
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, this.keys.get(this.currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(associatedData(this.currentKeyId, tenant, name));
			byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
			return ByteBuffer.allocate(1 + NONCE_LENGTH + sealed.length).put(FORMAT).put(nonce).put(sealed).array();
		}
		catch (GeneralSecurityException ex) {
			throw new TenantSecretsException(
					"Tenant secret cannot be encrypted (" + ex.getClass().getSimpleName() + ")", null);
		}
	}

	/**
	 * Decrypt a stored secret.
	 * @param keyId the id of the key it was encrypted with
	 * @param tenant the tenant it belongs to
	 * @param name its name
	 * @param stored the stored form
	 * @return the secret
	 * @throws TenantSecretsException when no key is configured, the key id is not
	 * configured, or the key does not decrypt it (a wrong key, or a tampered row)
	 */
	public String decrypt(String keyId, TenantId tenant, String name, byte[] stored) {
		requireEnabled();
		SecretKey key = this.keys.get(keyId);
		if (key == null) {
			throw new TenantSecretsException(
					"Secret '" + name + "' of tenant '" + tenant + "' is encrypted with key id '" + keyId
							+ "', which is not configured: add that key to tenancy.registry.secrets.previous-keys.",
					null);
		}
		if (stored.length < 1 + NONCE_LENGTH + TAG_BITS / 8 || stored[0] != FORMAT) {
			throw new TenantSecretsException(
					"Secret '" + name + "' of tenant '" + tenant + "' is not in a known stored format.", null);
		}
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 1, NONCE_LENGTH));
			cipher.updateAAD(associatedData(keyId, tenant, name));
			byte[] plain = cipher.doFinal(stored, 1 + NONCE_LENGTH, stored.length - 1 - NONCE_LENGTH);
			return new String(plain, StandardCharsets.UTF_8);
		}
		catch (AEADBadTagException ex) {
			throw new TenantSecretsException(
					"Secret '" + name + "' of tenant '" + tenant + "' cannot be decrypted with the key configured as '"
							+ keyId + "': the key is not the one it was encrypted with, or the row was altered.",
					null);
		}
		catch (GeneralSecurityException ex) {
			throw new TenantSecretsException("Secret '" + name + "' of tenant '" + tenant + "' cannot be decrypted ("
					+ ex.getClass().getSimpleName() + ")", null);
		}
	}

	private void requireEnabled() {
		if (!isEnabled()) {
			throw new TenantSecretsException(NOT_CONFIGURED, null);
		}
	}

	private static byte[] associatedData(String keyId, TenantId tenant, String name) {
		return ("tenancy-secret\u0000" + FORMAT + "\u0000" + keyId + "\u0000" + tenant.value() + "\u0000" + name)
			.getBytes(StandardCharsets.UTF_8);
	}

	private static String checkKeyId(String id) {
		if (id == null || !KEY_ID.matcher(id).matches()) {
			throw new IllegalArgumentException("key ids must be 1 to 64 letters, digits, '.', '_' or '-'");
		}
		return id;
	}

	private static SecretKey key(String id, String base64) {
		byte[] bytes;
		try {
			bytes = Base64.getDecoder().decode((base64 != null) ? base64.strip() : "");
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("key '" + id + "' is not valid base64");
		}
		if (bytes.length != KEY_LENGTH) {
			throw new IllegalArgumentException("key '" + id + "' must be " + KEY_LENGTH + " bytes (base64 of "
					+ KEY_LENGTH + " random bytes), not " + bytes.length);
		}
		return new SecretKeySpec(bytes, "AES");
	}

	@Override
	public String toString() {
		return "TenantSecretCipher[currentKeyId=" + this.currentKeyId + ", keyIds=" + this.keys.keySet() + "]";
	}

}
