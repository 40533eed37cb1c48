package dev.tenancy.test.hygiene;

import java.util.Arrays;
import java.util.Optional;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import org.springframework.context.ApplicationContext;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * The Spring application of a test, when the test runs with the {@link SpringExtension}.
 */
final class SpringContexts {

	private SpringContexts() {
	}

	static Optional<ApplicationContext> of(ExtensionContext context) {
		boolean spring = AnnotationSupport.findRepeatableAnnotations(context.getRequiredTestClass(), ExtendWith.class)
			.stream()
			.anyMatch((extendWith) -> Arrays.asList(extendWith.value()).contains(SpringExtension.class));
		return spring ? Optional.of(SpringExtension.getApplicationContext(context)) : Optional.empty();
	}

}
