package dev.tenancy;

/**
 * Thrown when a value is not a valid {@link TenantId}. The message never repeats the
 * rejected value: it is untrusted input and may be huge or hostile.
 */
public class InvalidTenantIdException extends IllegalArgumentException {

	public InvalidTenantIdException() {
		super("Tenant id must be a DNS label: ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");
	}

}
