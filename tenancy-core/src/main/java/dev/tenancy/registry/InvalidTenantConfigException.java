package dev.tenancy.registry;

/**
 * A tenant configuration was rejected. The message names the offending path (such as
 * {@code rateLimit.perUser.limit}) and why, never the rejected value itself.
 */
public class InvalidTenantConfigException extends IllegalArgumentException {

	private final String path;

	public InvalidTenantConfigException(String path, String reason) {
		super(((path == null || path.isEmpty()) ? "config" : path) + ": " + reason);
		this.path = (path == null || path.isEmpty()) ? "config" : path;
	}

	/** @return the path of the offending key, {@code config} for the whole document */
	public String path() {
		return this.path;
	}

}
