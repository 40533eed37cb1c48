package dev.tenancy.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.tenancy.TenantId;

/**
 * Builds the Redis keys of the buckets: {@code <prefix>{<tenant>}:tenant} and
 * {@code <prefix>{<tenant>}:user:<hash>}.
 * <p>
 * The tenant is the Redis Cluster hash tag, so all buckets of a tenant live in one slot.
 * Keys are built only from a {@link TenantId} (already validated, a DNS label, so it
 * holds no braces), and a user appears only as the first 128 bits of the HMAC-SHA256 of
 * its subject under a secret ({@code tenancy.rate-limit.user-key-secret}), hex-encoded,
 * never raw. Keyed, because subjects are often guessable (e-mail addresses, small
 * numbers): with a plain hash anyone who can list the keys (a monitoring tool,
 * {@code SCAN}, a backup, the slow log) could confirm a guess; with the HMAC they need
 * the secret too. Every instance must use the same secret, or each would count a user in
 * a bucket of its own. Keys without a secret ({@link #RateLimitKeys(String)}) hash with
 * plain SHA-256; they are for buckets that never leave the process.
 */
public final class RateLimitKeys {

	/** The default key prefix. */
	public static final String DEFAULT_PREFIX = "tenancy:rl:";

	private static final int USER_HASH_BYTES = 16;

	private static final String HMAC = "HmacSHA256";

	private final String prefix;

	private final Mac mac;

	/**
	 * Keys with a prefix whose user keys are the unkeyed SHA-256 of the subject, for
	 * buckets that stay in this process.
	 * @param prefix the prefix, such as {@value #DEFAULT_PREFIX}; must not contain
	 * braces, which would change the hash tag
	 */
	public RateLimitKeys(String prefix) {
		this(prefix, null);
	}

	/**
	 * Keys with a prefix whose user keys are keyed with a secret.
	 * @param prefix the prefix, such as {@value #DEFAULT_PREFIX}; must not contain
	 * braces, which would change the hash tag
	 * @param userKeySecret the HMAC secret of user keys, the same on every instance, or
	 * {@code null} for the unkeyed hash
	 */
	public RateLimitKeys(String prefix, String userKeySecret) {
		Objects.requireNonNull(prefix, "prefix");
		if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
			throw new IllegalArgumentException("The key prefix must not contain '{' or '}'");
		}
		this.prefix = prefix;
		this.mac = (userKeySecret != null) ? mac(userKeySecret) : null;
	}

	private static Mac mac(String secret) {
		if (secret.isEmpty()) {
			throw new IllegalArgumentException("The user key secret must not be empty");
		}
		try {
			Mac mac = Mac.getInstance(HMAC);
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC));
			return mac;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HMAC-SHA256 is not available", ex);
		}
	}

	/**
	 * @return whether user keys are keyed with a secret
	 */
	public boolean keyed() {
		return this.mac != null;
	}

	/**
	 * @return the prefix
	 */
	public String prefix() {
		return this.prefix;
	}

	/**
	 * The key of a tenant's bucket.
	 * @param tenant the tenant
	 * @return the key
	 */
	public String tenant(TenantId tenant) {
		return this.prefix + '{' + tenant.value() + "}:" + RateLimitPolicy.TENANT;
	}

	/**
	 * The key of a user's bucket inside a tenant.
	 * @param tenant the tenant
	 * @param user the user's subject
	 * @return the key
	 */
	public String user(TenantId tenant, String user) {
		return this.prefix + '{' + tenant.value() + "}:" + RateLimitPolicy.USER + ':' + userHash(user);
	}

	/**
	 * The hash of a user's subject as it appears in this instance's keys: the HMAC when
	 * keyed, else {@link #hash(String)}.
	 * @param user the subject
	 * @return 32 lower-case hex digits
	 */
	public String userHash(String user) {
		if (this.mac == null) {
			return hash(user);
		}
		Mac mac;
		try {
			// A Mac is not thread-safe; a clone of the initialised one is cheap.
			mac = (Mac) this.mac.clone();
		}
		catch (CloneNotSupportedException ex) {
			throw new IllegalStateException("HMAC-SHA256 cannot be cloned", ex);
		}
		byte[] digest = mac.doFinal(user.getBytes(StandardCharsets.UTF_8));
		return HexFormat.of().formatHex(digest, 0, USER_HASH_BYTES);
	}

	/**
	 * The unkeyed hash of a value (SHA-256), for names that never leave the process.
	 * @param user the subject
	 * @return 32 lower-case hex digits
	 */
	public static String hash(String user) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(user.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, USER_HASH_BYTES);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
