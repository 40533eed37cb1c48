package dev.tenancy.configserver.security;

import java.util.List;

/**
 * Thrown at startup when the configured config-server clients cannot be used: none
 * configured, a blank password, a password without a {@code {id}} encoding prefix, or an
 * unusable encoding. The messages name the property to fix and never contain a password.
 *
 * @see ClientCredentialsFailureAnalyzer
 */
public class ClientCredentialsException extends IllegalStateException {

	private final List<Problem> problems;

	private final String action;

	ClientCredentialsException(List<Problem> problems, String action) {
		super(describe(problems));
		this.problems = List.copyOf(problems);
		this.action = action;
	}

	/** Each problem found, in client order. */
	public List<Problem> problems() {
		return problems;
	}

	/** What the operator should do, for the failure analysis. */
	public String action() {
		return action;
	}

	private static String describe(List<Problem> problems) {
		if (problems.size() == 1) {
			return problems.get(0).toString();
		}
		StringBuilder text = new StringBuilder("The config server's client credentials are invalid:");
		for (Problem problem : problems) {
			text.append(System.lineSeparator()).append("  - ").append(problem);
		}
		return text.toString();
	}

	/**
	 * One thing wrong with the client configuration.
	 *
	 * @param property the property to set or fix, for example
	 * {@code tenancy.config-server.clients.sample-app.password}
	 * @param reason what is wrong with it; never contains the password
	 */
	public record Problem(String property, String reason) {

		@Override
		public String toString() {
			return reason + " (" + property + ")";
		}
	}

}
