package dev.tenancy.sample.inbound;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The inbound e-mail webhook ({@code POST /inbound/email}).
 *
 * @param maxBodySize The largest webhook body accepted (JSON or multipart, attachments
 * included); a larger one is answered 413 payload_too_large. At most
 * tenancy.web.max-request-body-size, which bounds every request.
 * @param tolerance How far a delivery's signed timestamp may lie from this server's clock
 * (either way); an older or later one is refused, and an accepted signature is remembered
 * this long (plus a minute) to refuse its replay.
 * @param signingKeySecret The name of the tenant secret (kept by the registry, encrypted
 * at rest) whose value is the HMAC-SHA256 key of the tenant's deliveries.
 * @param maxRecipients The most envelope recipients a delivery may name.
 */
@ConfigurationProperties("sample.inbound")
public record InboundEmailProperties(@DefaultValue("512KB") DataSize maxBodySize,
		@DefaultValue("5m") Duration tolerance, @DefaultValue("inbound-email-signing-key") String signingKeySecret,
		@DefaultValue("50") int maxRecipients) {

	public InboundEmailProperties {
		if (maxBodySize.toBytes() <= 0 || maxBodySize.toBytes() > Integer.MAX_VALUE - 8) {
			throw new IllegalArgumentException("sample.inbound.max-body-size must be positive and below 2 GB");
		}
		if (tolerance.isNegative() || tolerance.isZero()) {
			throw new IllegalArgumentException("sample.inbound.tolerance must be positive");
		}
		if (maxRecipients < 1) {
			throw new IllegalArgumentException("sample.inbound.max-recipients must be positive");
		}
	}

}
