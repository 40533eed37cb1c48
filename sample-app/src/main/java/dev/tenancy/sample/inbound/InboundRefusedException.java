package dev.tenancy.sample.inbound;

/**
 * A delivery refused for want of authentication, whatever the reason (unknown or
 * suspended tenant, missing, stale or wrong signature, replay): all get one identical
 * answer. The reason is for the log only.
 */
final class InboundRefusedException extends RuntimeException {

	private final String reason;

	InboundRefusedException(String reason) {
		super(reason, null, false, false);
		this.reason = reason;
	}

	String reason() {
		return this.reason;
	}

}
