package dev.tenancy.sample.inbound;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook's signature: {@code X-Tenancy-Signature: v1=<hex>} where hex is the
 * lower-case HMAC-SHA256, keyed with the tenant's signing key (its UTF-8 bytes), of
 * {@code <timestamp>.<body>}: the decimal Unix time of {@code X-Tenancy-Timestamp}, a
 * dot, and the raw request body byte for byte. With {@code openssl}:
 *
 * <pre>
 * { printf '%s.' "$ts"; cat body.json; } | openssl dgst -sha256 -hmac "$key" | sed 's/^.* //'
 * </pre>
 */
final class WebhookSignature {

	static final String TIMESTAMP_HEADER = "X-Tenancy-Timestamp";

	static final String SIGNATURE_HEADER = "X-Tenancy-Signature";

	private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,12}");

	private static final Pattern SIGNATURE = Pattern.compile("v1=([0-9a-f]{64})");

	/** Verified against when there is no key, so every refusal costs one HMAC. */
	private static final byte[] NO_KEY = "no-key-so-this-never-matches".getBytes(StandardCharsets.UTF_8);

	private WebhookSignature() {
	}

	/**
	 * Check a delivery.
	 * @param key the tenant's signing key, or {@code null} when there is none (the check
	 * then fails, after computing an HMAC all the same)
	 * @param timestampHeader the timestamp header, or {@code null}
	 * @param signatureHeader the signature header, or {@code null}
	 * @param body the raw body
	 * @param now this server's time
	 * @param tolerance how far the timestamp may lie from it
	 * @return the verified signature (hex) and its timestamp
	 * @throws InboundRefusedException when anything does not hold
	 */
	static Verified verify(String key, String timestampHeader, String signatureHeader, byte[] body, Instant now,
			Duration tolerance) {
		String timestamp = (timestampHeader != null && TIMESTAMP.matcher(timestampHeader).matches()) ? timestampHeader
				: "0";
		byte[] expected = hmac((key != null) ? key.getBytes(StandardCharsets.UTF_8) : NO_KEY, timestamp, body);
		java.util.regex.Matcher matcher = (signatureHeader != null) ? SIGNATURE.matcher(signatureHeader.trim()) : null;
		byte[] given = (matcher != null && matcher.matches()) ? HexFormat.of().parseHex(matcher.group(1))
				: new byte[32];
		boolean matches = MessageDigest.isEqual(expected, given);
		if (key == null) {
			throw new InboundRefusedException("no tenant, or no signing key, for the recipient domain");
		}
		if (matcher == null || !matcher.matches() || !TIMESTAMP.matcher(String.valueOf(timestampHeader)).matches()) {
			throw new InboundRefusedException("missing or malformed signature headers");
		}
		Instant signedAt = Instant.ofEpochSecond(Long.parseLong(timestamp));
		if (Duration.between(signedAt, now).abs().compareTo(tolerance) > 0) {
			throw new InboundRefusedException("timestamp outside the tolerance");
		}
		if (!matches) {
			throw new InboundRefusedException("wrong signature");
		}
		return new Verified(HexFormat.of().formatHex(expected), signedAt);
	}

	static byte[] hmac(byte[] key, String timestamp, byte[] body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
			return mac.doFinal(body);
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException("HmacSHA256 is unavailable", ex);
		}
	}

	/**
	 * A verified signature.
	 *
	 * @param signature the HMAC, lower-case hex
	 * @param signedAt its timestamp
	 */
	record Verified(String signature, Instant signedAt) {

	}

}
