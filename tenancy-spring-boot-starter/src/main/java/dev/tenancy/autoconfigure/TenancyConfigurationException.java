package dev.tenancy.autoconfigure;

/**
 * A configuration of the starter that cannot work as written: thrown at start-up, never
 * at request time, and reported by {@link TenancyConfigurationFailureAnalyzer} as Spring
 * Boot's "APPLICATION FAILED TO START" with what is wrong and what to do about it. The
 * description and action never contain a secret.
 */
public class TenancyConfigurationException extends IllegalStateException {

	private final String action;

	/**
	 * Create an exception.
	 * @param description what is wrong, naming the properties involved
	 * @param action what to do about it
	 */
	public TenancyConfigurationException(String description, String action) {
		this(description, action, null);
	}

	/**
	 * Create an exception.
	 * @param description what is wrong, naming the properties involved
	 * @param action what to do about it
	 * @param cause the underlying failure, if any
	 */
	public TenancyConfigurationException(String description, String action, Throwable cause) {
		super(description, cause);
		this.action = action;
	}

	/**
	 * @return what to do about it
	 */
	public String getAction() {
		return this.action;
	}

}
