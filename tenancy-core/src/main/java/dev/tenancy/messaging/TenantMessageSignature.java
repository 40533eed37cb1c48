package dev.tenancy.messaging;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.tenancy.TenantId;

/**
 * Signs a message's tenant: an HMAC-SHA256 over the tenant id and the message body, so
 * that whoever may publish to the broker cannot choose the tenant a message runs in,
 * neither by writing the tenant header nor by copying another tenant's signed message
 * under a different header. Signing uses the current key; verifying accepts it and the
 * previous keys, so that keys can be rotated without dropping messages in flight.
 * <p>
 * The signature covers the body as the listener receives it: a post-processor that
 * changes the body after the tenant stamper (compression, say) must be undone by an
 * after-receive post-processor before the listener's advice runs.
 */
public final class TenantMessageSignature {

	/** Shortest key accepted: the HMAC's own output length. */
	public static final int MIN_KEY_BYTES = 32;

	private static final String ALGORITHM = "HmacSHA256";

	private static final String VERSION = "v1=";

	/** Longer signature headers are refused before any decoding. */
	private static final int MAX_SIGNATURE_LENGTH = 128;

	private final SecretKeySpec signingKey;

	private final List<SecretKeySpec> verifyingKeys;

	/**
	 * Keys for signing and verifying.
	 * @param signingKey the current key, at least {@value #MIN_KEY_BYTES} bytes
	 * @param previousKeys keys still accepted when verifying, each as long
	 */
	public TenantMessageSignature(byte[] signingKey, List<byte[]> previousKeys) {
		this.signingKey = key(signingKey, "the signing key");
		this.verifyingKeys = Stream
			.concat(Stream.of(this.signingKey), previousKeys.stream().map((key) -> key(key, "a previous signing key")))
			.toList();
	}

	private static SecretKeySpec key(byte[] bytes, String what) {
		Objects.requireNonNull(bytes, what);
		if (bytes.length < MIN_KEY_BYTES) {
			throw new IllegalArgumentException(
					what + " has " + bytes.length + " bytes; at least " + MIN_KEY_BYTES + " are needed");
		}
		return new SecretKeySpec(bytes, ALGORITHM);
	}

	/**
	 * The signature of a tenant's message.
	 * @param tenant the tenant
	 * @param body the message body
	 * @return the header value
	 */
	public String sign(TenantId tenant, byte[] body) {
		return VERSION + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(this.signingKey, tenant, body));
	}

	/**
	 * Whether a signature was made with one of the keys for this tenant and body.
	 * @param tenant the tenant the message names
	 * @param body the message body
	 * @param signature the header value as received, possibly {@code null} or hostile
	 * @return {@code true} only for a valid signature
	 */
	public boolean verify(TenantId tenant, byte[] body, String signature) {
		if (signature == null || signature.length() > MAX_SIGNATURE_LENGTH || !signature.startsWith(VERSION)) {
			return false;
		}
		byte[] presented;
		try {
			presented = Base64.getUrlDecoder().decode(signature.substring(VERSION.length()));
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		boolean valid = false;
		for (SecretKeySpec key : this.verifyingKeys) {
			// every key is tried, so the time taken does not tell which one matched
			valid |= MessageDigest.isEqual(mac(key, tenant, body), presented);
		}
		return valid;
	}

	private static byte[] mac(SecretKeySpec key, TenantId tenant, byte[] body) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(key);
			// the tenant is a DNS label (no NUL): the separator keeps tenant and body
			// apart
			mac.update(tenant.value().getBytes(StandardCharsets.US_ASCII));
			mac.update((byte) 0);
			return mac.doFinal(body);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

}
