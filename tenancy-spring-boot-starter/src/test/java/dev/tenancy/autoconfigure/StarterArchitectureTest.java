package dev.tenancy.autoconfigure;

import java.net.URL;
import java.nio.file.Path;
import java.util.jar.JarFile;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

import dev.tenancy.TenantId;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The starter holds auto-configuration only, and tenancy-core knows nothing of it.
 */
class StarterArchitectureTest {

	/** Imports the classes of the jar or directory a class was loaded from: main classes only. */
	private static JavaClasses classesBesides(Class<?> anchor) throws Exception {
		URL location = anchor.getProtectionDomain().getCodeSource().getLocation();
		Path path = Path.of(location.toURI());
		ClassFileImporter importer = new ClassFileImporter();
		// Only the module's own classes matter; resolving every referenced library class from the
		// classpath would make this test take seconds.
		ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
		try {
			if (path.toString().endsWith(".jar")) {
				try (JarFile jar = new JarFile(path.toFile())) {
					return importer.importJar(jar);
				}
			}
			return importer.importPath(path);
		}
		finally {
			ArchConfiguration.get().reset();
		}
	}

	@Test
	void starterClassesLiveInTheAutoconfigurePackage() throws Exception {
		JavaClasses starter = classesBesides(TenancyAutoConfiguration.class);
		assertThat(starter.contain(TenancyAutoConfiguration.class)).isTrue();
		assertThat(starter.contain(StarterArchitectureTest.class)).as("test classes must not be imported").isFalse();
		classes().should().resideInAPackage("dev.tenancy.autoconfigure..").check(starter);
		// Canary: the starter does depend on tenancy-core, so the import sees dependencies.
		assertThatThrownBy(() -> noClasses().should().dependOnClassesThat().resideInAPackage("dev.tenancy.web..")
			.check(starter)).isInstanceOf(AssertionError.class);
	}

	@Test
	void coreNeverDependsOnTheStarter() throws Exception {
		JavaClasses core = classesBesides(TenantId.class);
		assertThat(core.contain(TenantId.class)).isTrue();
		assertThat(core.contain(dev.tenancy.web.TenantIsolationFilter.class)).isTrue();
		noClasses().should().dependOnClassesThat().resideInAPackage("dev.tenancy.autoconfigure..").check(core);
		noClasses().should().dependOnClassesThat().resideInAPackage("org.springframework.boot..").check(core);
	}

}
