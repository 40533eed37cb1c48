package dev.tenancy.messaging;

import org.springframework.amqp.AmqpException;

/**
 * A message was about to be sent with no tenant in context (or with a tenant header that
 * disagrees with the context). A tenant-less message would be refused by every
 * tenant-checking listener, so the send fails where the mistake is.
 */
public class NoTenantForMessageException extends AmqpException {

	/**
	 * Create an exception.
	 * @param message what is wrong
	 */
	public NoTenantForMessageException(String message) {
		super(message);
	}

}
