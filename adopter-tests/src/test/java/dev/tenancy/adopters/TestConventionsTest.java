package dev.tenancy.adopters;

import org.junit.jupiter.api.Test;

import dev.tenancy.test.TestConventions;

/**
 * This module's tests follow the house's test naming convention (docs/development.md).
 */
class TestConventionsTest {

	@Test
	void everyTestClassFollowsTheConvention() {
		TestConventions.of(TestConventionsTest.class).check();
	}

}
