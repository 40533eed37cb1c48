package dev.tenancy.test.services;

import org.springframework.util.ClassUtils;

/**
 * Whether containers can serve the tests: Testcontainers and Spring Boot's support for it
 * are on the class path and a container engine answers.
 */
final class ContainerEngine {

	private ContainerEngine() {
	}

	static boolean available() {
		ClassLoader loader = ContainerEngine.class.getClassLoader();
		if (!ClassUtils.isPresent("org.testcontainers.DockerClientFactory", loader) || !ClassUtils
			.isPresent("org.springframework.boot.testcontainers.service.connection.ServiceConnection", loader)) {
			return false;
		}
		return Probe.dockerAnswers();
	}

	/** Loaded only when Testcontainers is present. */
	private static final class Probe {

		static boolean dockerAnswers() {
			try {
				return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
			}
			catch (RuntimeException | LinkageError ex) {
				return false;
			}
		}

	}

}
