package dev.tenancy;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DESIGN.md's package rules for tenancy-core, checked on the main classes.
 */
class ArchitectureTest {

	private static JavaClasses core;

	@BeforeAll
	static void importCore() {
		// Only tenancy-core's own classes matter; resolving every referenced library
		// class from the
		// classpath would cost seconds and add nothing to these rules.
		ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
		try {
			core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
				.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
				.importPackages("dev.tenancy");
		}
		finally {
			ArchConfiguration.get().reset();
		}
		// Guard against a vacuous pass: the main classes of every package are there, test
		// classes are not.
		assertThat(core.contain(TenantId.class)).isTrue();
		assertThat(core.contain(dev.tenancy.web.TenantIsolationFilter.class)).isTrue();
		assertThat(core.contain(dev.tenancy.context.TenantContext.class)).isTrue();
		assertThat(core.contain(dev.tenancy.resolve.CompositeTenantResolver.class)).isTrue();
		assertThat(core.contain(ArchitectureTest.class)).isFalse();
	}

	@Test
	void coreNeverDependsOnSpringBoot() {
		noClasses().should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework.boot..")
			.because("tenancy-core is usable without Spring Boot; the starter does the wiring")
			.check(core);
	}

	@Test
	void modelDependsOnNoOtherTenancyPackage() {
		noClasses().that()
			.resideInAPackage("dev.tenancy")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.tenancy.*..")
			.because("the model is the base every other package builds on")
			.check(core);
	}

	@Test
	void onlyTheWebPackageUsesTheWebPackage() {
		noClasses().that()
			.resideOutsideOfPackage("dev.tenancy.web..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.tenancy.web..")
			.because("servlet filters are wired by the starter only")
			.check(core);
	}

	@Test
	void noCyclesBetweenPackages() {
		// Every package is a slice: nested ones (registry.jdbc apart from registry) and
		// the model's
		// own dev.tenancy, which "dev.tenancy.(**)" would leave out.
		slices().matching("(dev.tenancy..)").should().beFreeOfCycles().check(core);
	}

	@Test
	void noInheritableThreadLocals() {
		noClasses().should()
			.dependOnClassesThat()
			.areAssignableTo(InheritableThreadLocal.class)
			.because("the tenant must never leak into threads created inside a tenant scope")
			.check(core);
	}

	@Test
	void rulesSeeRealDependencies() {
		// Canaries: rules that must be violated, so the rules above cannot pass for want
		// of data.
		assertThatThrownBy(() -> noClasses().should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework.web..")
			.check(core)).isInstanceOf(AssertionError.class);
		assertThatThrownBy(
				() -> noClasses().should().dependOnClassesThat().areAssignableTo(ThreadLocal.class).check(core))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("TenantContext");
		assertThatThrownBy(() -> noClasses().that()
			.resideOutsideOfPackage("dev.tenancy")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.tenancy")
			.check(core)).isInstanceOf(AssertionError.class);
	}

	@Test
	void onlyTheContextPackageCanChangeTheTenant() {
		noClasses().that()
			.resideOutsideOfPackage("dev.tenancy.context..")
			.should()
			.callMethod(dev.tenancy.context.TenantThreadLocalAccessor.class, "setValue", TenantId.class)
			.check(core);
	}

}
