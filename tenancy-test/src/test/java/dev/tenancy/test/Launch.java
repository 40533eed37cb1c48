package dev.tenancy.test;

import java.util.List;

import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Runs a fixture test class with JUnit, on the calling thread, to see how the kit's
 * extensions make it pass or fail.
 */
public final class Launch {

	private Launch() {
	}

	/**
	 * Run the tests of a class.
	 * @param fixture the class
	 * @return the summary
	 */
	public static TestExecutionSummary run(Class<?> fixture) {
		LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
			.selectors(selectClass(fixture))
			.configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
			.build();
		SummaryGeneratingListener listener = new SummaryGeneratingListener();
		LauncherFactory.create().execute(request, listener);
		return listener.getSummary();
	}

	/**
	 * The failure messages of a run.
	 * @param summary the summary
	 * @return messages
	 */
	public static List<String> failures(TestExecutionSummary summary) {
		return summary.getFailures().stream().map((failure) -> String.valueOf(failure.getException())).toList();
	}

}
