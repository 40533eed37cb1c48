package dev.tenancy.test;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Breaks the test naming convention on purpose, for {@link TestConventionsTest}.
 * Surefire's default includes do not match its name, so it never runs (the point of the
 * first rule).
 */
@Disabled("a fixture of TestConventionsTest")
public class ConventionViolations {

	@Test
	public void testSomething() {
	}

	@Test
	void snake_case() {
	}

	@Test
	void aWellNamedBehaviour() {
	}

}
