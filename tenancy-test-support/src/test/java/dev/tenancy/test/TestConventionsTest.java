package dev.tenancy.test;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The test naming convention holds in this module, and the check finds each kind of
 * violation in the fixtures {@link ConventionViolations} and
 * {@code dev.tenancy.testfixture.MisplacedFixture}.
 */
class TestConventionsTest {

	@Test
	void everyTestClassFollowsTheConvention() {
		TestConventions.of(TestConventionsTest.class)
			.allowingKnownViolations("ConventionViolations", "MisplacedFixture")
			.check();
	}

	@Test
	void everyKindOfViolationIsFound() {
		Map<String, List<String>> violations = TestConventions.of(TestConventionsTest.class).violations();

		assertThat(violations).containsOnlyKeys("ConventionViolations", "MisplacedFixture");
		assertThat(violations.get("ConventionViolations")).containsExactlyInAnyOrder(
				"dev.tenancy.test.ConventionViolations has tests, so its name must end in Test",
				"dev.tenancy.test.ConventionViolations is public: test classes are package-private",
				"ConventionViolations.testSomething is public: test methods are package-private",
				"ConventionViolations.testSomething must be a lowerCamelCase behaviour, without a test prefix or underscores",
				"ConventionViolations.snake_case must be a lowerCamelCase behaviour, without a test prefix or underscores");
		assertThat(violations.get("MisplacedFixture")).containsExactly(
				"dev.tenancy.testfixture.MisplacedFixture is outside the module's package dev.tenancy.test");
	}

	@Test
	void aListedViolationThatIsGoneFailsTheCheck() {
		assertThatThrownBy(() -> TestConventions.of(TestConventionsTest.class)
			.allowingKnownViolations("ConventionViolations", "MisplacedFixture", "TestServicesTest")
			.check()).isInstanceOf(AssertionError.class)
			.hasMessageContaining("TestServicesTest is listed as a known violation but no longer violates");
	}

	@Test
	void anUnlistedViolationFailsTheCheck() {
		assertThatThrownBy(() -> TestConventions.of(TestConventionsTest.class)
			.allowingKnownViolations("ConventionViolations")
			.check()).isInstanceOf(AssertionError.class).hasMessageContaining("MisplacedFixture is outside");
	}

}
