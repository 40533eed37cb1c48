package dev.tenancy.sample;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import dev.tenancy.test.hygiene.TenancyArchRules;

/**
 * The sample app's own code keeps the test kit's tenancy rules: no ThreadLocal of its own
 * for tenant data, no hand-set tenant, no repository call from a job or listener outside
 * a tenant scope.
 */
class TenancyArchRulesTest {

	@Test
	void theAppKeepsTheTenancyRules() {
		JavaClasses app = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("dev.tenancy.sample");

		TenancyArchRules.all().check(app);
	}

}
