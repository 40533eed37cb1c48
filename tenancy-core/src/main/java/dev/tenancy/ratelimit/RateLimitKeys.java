package dev.tenancy.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

import dev.tenancy.TenantId;

/**
 * Builds the Redis keys of the buckets: {@code <prefix>{<tenant>}:tenant} and
 * {@code <prefix>{<tenant>}:user:<hash>}.
 * <p>
 * The tenant is the Redis Cluster hash tag, so all buckets of a tenant live in one slot.
 * Keys are built only from a {@link TenantId} (already validated, a DNS label, so it
 * holds no braces), and a user appears only as the first 128 bits of the SHA-256 of its
 * subject, hex-encoded, never raw.
 */
public final class RateLimitKeys {

	/** The default key prefix. */
	public static final String DEFAULT_PREFIX = "tenancy:rl:";

	private static final int USER_HASH_BYTES = 16;

	private final String prefix;

	/**
	 * Keys with a prefix.
	 * @param prefix the prefix, such as {@value #DEFAULT_PREFIX}; must not contain
	 * braces, which would change the hash tag
	 */
	public RateLimitKeys(String prefix) {
		Objects.requireNonNull(prefix, "prefix");
		if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
			throw new IllegalArgumentException("The key prefix must not contain '{' or '}'");
		}
		this.prefix = prefix;
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
		return this.prefix + '{' + tenant.value() + "}:" + RateLimitPolicy.USER + ':' + hash(user);
	}

	/**
	 * The hash of a user's subject as it appears in keys.
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
