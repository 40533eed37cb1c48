package dev.tenancy.configserver.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Turns a {@link ClientCredentialsException} into Spring Boot's "APPLICATION FAILED TO
 * START" report, naming the properties to set. Registered in
 * {@code META-INF/spring.factories}.
 */
public class ClientCredentialsFailureAnalyzer extends AbstractFailureAnalyzer<ClientCredentialsException>
		implements Ordered {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ClientCredentialsException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
	}

	/**
	 * Ahead of Boot's generic analyzers, which would describe only the wrapping bean
	 * failure.
	 */
	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
