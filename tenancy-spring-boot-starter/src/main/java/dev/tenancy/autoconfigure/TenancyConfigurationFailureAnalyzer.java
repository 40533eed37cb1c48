package dev.tenancy.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Reports a {@link TenancyConfigurationException} as Spring Boot's "APPLICATION FAILED TO
 * START", with the description and action the exception carries rather than the wrapping
 * bean-creation failure. Registered in {@code META-INF/spring.factories}.
 */
class TenancyConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<TenancyConfigurationException>
		implements Ordered {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, TenancyConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
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
