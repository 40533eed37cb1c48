package dev.tenancy.configserver;

import org.junit.jupiter.api.Test;

import dev.tenancy.test.TestConventions;

/**
 * This module's tests follow the house's test naming convention
 * (docs/adopting/hygiene.md).
 */
class TestConventionsTest {

	@Test
	void everyTestClassFollowsTheConvention() {
		// Spring Boot's own "Tests" suffix, from before the convention: to be renamed
		// once the
		// branches that edit them are merged (issue 9).
		TestConventions.of(TestConventionsTest.class)
			.allowingKnownViolations("ConfigPathAuthorizationTests", "ClientCredentialsTests", "TenantApiTests",
					"DecryptionHealthTests", "LocalProfileTests", "ErrorAnswersTests", "ConfigServerHttpTests",
					"StartupValidationTests")
			.check();
	}

}
