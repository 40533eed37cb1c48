package dev.tenancy.sample.trips;

/**
 * A list request with a page parameter that is not valid ({@code size} not a number from
 * 1 to {@value TripController#MAX_PAGE_SIZE}, {@code after} not a cursor this app
 * issued). It names the parameter, never its value.
 */
public class InvalidPageRequestException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String parameter;

	private final String reason;

	InvalidPageRequestException(String parameter, String reason) {
		super(null, null, false, false);
		this.parameter = parameter;
		this.reason = reason;
	}

	/**
	 * @return the name of the invalid parameter
	 */
	public String parameter() {
		return this.parameter;
	}

	/**
	 * @return why it is invalid, fixed text
	 */
	public String reason() {
		return this.reason;
	}

}
