package dev.tenancy.test;

import org.junit.jupiter.api.Test;

/**
 * This module's tests follow the house's test naming convention (docs/development.md).
 */
class TestConventionsTest {

	@Test
	void everyTestClassFollowsTheConvention() {
		TestConventions.of(TestConventionsTest.class).check();
	}

}
