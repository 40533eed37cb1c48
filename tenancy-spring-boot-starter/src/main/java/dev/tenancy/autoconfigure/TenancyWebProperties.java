package dev.tenancy.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits on what a request may send, for every servlet application on the starter.
 *
 * @param maxRequestBodySize The largest request body accepted; a larger one (declared by
 * Content-Length or counted while a chunked body is read) is answered 413
 * payload_too_large.
 */
@ConfigurationProperties("tenancy.web")
public record TenancyWebProperties(@DefaultValue("1MB") DataSize maxRequestBodySize) {

	public TenancyWebProperties {
		if (maxRequestBodySize.toBytes() <= 0) {
			throw new IllegalArgumentException(
					"tenancy.web.max-request-body-size must be positive, was " + maxRequestBodySize);
		}
	}

}
