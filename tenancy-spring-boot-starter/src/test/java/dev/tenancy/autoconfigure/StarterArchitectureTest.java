package dev.tenancy.autoconfigure;

import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.library.dependencies.Slice;
import com.tngtech.archunit.library.dependencies.Slices;
import org.junit.jupiter.api.Test;

import dev.tenancy.TenantId;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The starter holds auto-configuration only, and tenancy-core knows nothing of it. Rules
 * that the code does not meet yet name their known violators, and fail once one of them
 * is mended, so that the list only shrinks (see docs/development.md).
 */
class StarterArchitectureTest {

	/**
	 * Imports the classes of the jar or directory a class was loaded from: main classes
	 * only.
	 */
	private static JavaClasses classesBesides(Class<?> anchor) throws Exception {
		URL location = anchor.getProtectionDomain().getCodeSource().getLocation();
		Path path = Path.of(location.toURI());
		ClassFileImporter importer = new ClassFileImporter();
		// Only the module's own classes matter; resolving every referenced library class
		// from the
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
		// Canary: the starter does depend on tenancy-core, so the import sees
		// dependencies.
		assertThatThrownBy(
				() -> noClasses().should().dependOnClassesThat().resideInAPackage("dev.tenancy.web..").check(starter))
			.isInstanceOf(AssertionError.class);
	}

	@Test
	void coreNeverDependsOnTheStarter() throws Exception {
		JavaClasses core = classesBesides(TenantId.class);
		assertThat(core.contain(TenantId.class)).isTrue();
		assertThat(core.contain(dev.tenancy.web.TenantIsolationFilter.class)).isTrue();
		noClasses().should().dependOnClassesThat().resideInAPackage("dev.tenancy.autoconfigure..").check(core);
		noClasses().should().dependOnClassesThat().resideInAPackage("org.springframework.boot..").check(core);
	}

	/** Imports the main classes of tenancy-core and of the starter together. */
	private static JavaClasses coreAndStarter() throws Exception {
		ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
		try {
			return new ClassFileImporter()
				.importLocations(Set.of(location(TenantId.class), location(TenancyAutoConfiguration.class)));
		}
		finally {
			ArchConfiguration.get().reset();
		}
	}

	private static Location location(Class<?> anchor) throws Exception {
		Path path = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
		return path.toString().endsWith(".jar") ? Location.of(URI.create("jar:" + path.toUri() + "!/"))
				: Location.of(path);
	}

	@Test
	void noCyclesBetweenAnyPackagesOfCoreAndStarter() throws Exception {
		JavaClasses classes = coreAndStarter();
		// Each package is a slice: nested ones (registry.jdbc apart from registry), the
		// model's own
		// dev.tenancy (which "dev.tenancy.(**)" would leave out) and the starter's. Guard
		// against a
		// vacuous pass by naming some.
		assertThat(Slices.matching("(dev.tenancy..)").transform(classes).stream().map(Slice::getDescription)).contains(
				"Slice dev.tenancy", "Slice dev.tenancy.autoconfigure", "Slice dev.tenancy.registry",
				"Slice dev.tenancy.registry.jdbc", "Slice dev.tenancy.web", "Slice dev.tenancy.context");
		slices().matching("(dev.tenancy..)")
			.should()
			.beFreeOfCycles()
			.because("each package, nested ones included, must be understandable on its own")
			.check(classes);
	}

	/**
	 * What a top-level starter class may be: wiring, not logic. Logic (parsing,
	 * protocols, threads, I/O) lives in tenancy-core, where it is usable and testable
	 * without Spring Boot.
	 */
	private static final Set<String> WIRING_ANNOTATIONS = Set.of(
			"org.springframework.boot.autoconfigure.AutoConfiguration",
			"org.springframework.context.annotation.Configuration",
			"org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration",
			"org.springframework.boot.context.properties.ConfigurationProperties",
			// Condition annotations such as @ConditionalOnRegistrySource.
			"org.springframework.context.annotation.Conditional");

	private static final Set<String> WIRING_SUPERTYPES = Set.of("org.springframework.context.annotation.Condition",
			"org.springframework.boot.autoconfigure.condition.SpringBootCondition",
			"org.springframework.boot.health.contributor.HealthIndicator",
			"org.springframework.boot.health.contributor.AbstractHealthIndicator",
			"org.springframework.boot.diagnostics.FailureAnalyzer",
			"org.springframework.boot.diagnostics.AbstractFailureAnalyzer",
			"org.springframework.beans.factory.config.BeanPostProcessor",
			"org.springframework.web.servlet.config.annotation.WebMvcConfigurer", "java.lang.IllegalStateException",
			// Applies the starter's settings to an application's own security chain.
			"org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer",
			// Runs a migration at start-up, as Boot's FlywayMigrationInitializer does.
			"org.springframework.beans.factory.InitializingBean");

	/**
	 * Constant tables that wiring reads (filter orders), named because no supertype marks
	 * them.
	 */
	private static final Set<String> WIRING_TABLES = Set.of("TenancyFilterOrders");

	/**
	 * Known violators of {@link #starterClassesAreWiringOnly()}, to be moved to
	 * tenancy-core.
	 */
	private static final Set<String> NOT_WIRING_YET = Set.of("DataRedisDetails", "RateLimitRedisLocation");

	@Test
	void starterClassesAreWiringOnly() throws Exception {
		JavaClasses starter = classesBesides(TenancyAutoConfiguration.class);
		Set<String> notWiring = new TreeSet<>();
		for (JavaClass type : starter) {
			if (type.isTopLevelClass() && !isWiring(type)) {
				notWiring.add(type.getSimpleName());
			}
		}
		assertThat(notWiring)
			.as("top-level starter classes that are neither auto-configuration, properties, conditions, health "
					+ "indicators, failure analysis, post-processors nor MVC configurers: move their logic to "
					+ "tenancy-core (or, once mended, remove them from NOT_WIRING_YET)")
			.isEqualTo(NOT_WIRING_YET);
	}

	private static boolean isWiring(JavaClass type) {
		return WIRING_TABLES.contains(type.getSimpleName())
				|| WIRING_ANNOTATIONS.stream().anyMatch(type::isAnnotatedWith)
				|| Stream.concat(type.getRawSuperclass().stream(), type.getRawInterfaces().stream())
					.map(JavaClass::getName)
					.anyMatch(WIRING_SUPERTYPES::contains);
	}

	/**
	 * Packages whose use means parsing, a network protocol or I/O of the starter's own.
	 */
	private static final List<String> LOGIC_PACKAGES = List.of("java.net.", "java.sql.", "java.nio.channels.",
			"java.util.regex.", "javax.net.", "io.lettuce.", "io.netty.", "org.postgresql.", "tools.jackson.",
			"com.fasterxml.jackson.", "org.springframework.web.client.");

	/**
	 * Method calls that parse text; properties records may still normalise their own
	 * values.
	 */
	private static final Set<String> PARSING_CALLS = Set.of("java.lang.Integer.parseInt", "java.lang.Long.parseLong",
			"java.lang.String.split", "java.lang.String.substring", "java.lang.String.indexOf",
			"java.lang.String.lastIndexOf", "java.lang.String.charAt", "java.lang.Thread.<init>");

	/**
	 * Known violators of {@link #starterNeitherParsesNorTalksToServers()}, by top-level
	 * class.
	 */
	private static final Set<String> PARSES_OR_TALKS_YET = Set.of("DataRedisDetails",
			"TenancyRegistryAutoConfiguration");

	@Test
	void starterNeitherParsesNorTalksToServers() throws Exception {
		JavaClasses starter = classesBesides(TenancyAutoConfiguration.class);
		Map<String, Set<String>> found = new TreeMap<>();
		for (JavaClass type : starter) {
			JavaClass owner = topLevel(type);
			for (Dependency dependency : type.getDirectDependenciesFromSelf()) {
				String target = dependency.getTargetClass().getName();
				// A class named in an annotation
				// (@ConditionalOnClass(org.postgresql.Driver.class)) is wiring.
				boolean inAnnotation = dependency.getDescription().contains("annotat");
				if (LOGIC_PACKAGES.stream().anyMatch(target::startsWith) && !target.equals("java.net.URI")
						&& !inAnnotation) {
					found.computeIfAbsent(owner.getSimpleName(), (key) -> new TreeSet<>()).add(target);
				}
			}
			if (!owner.isAnnotatedWith("org.springframework.boot.context.properties.ConfigurationProperties")) {
				for (JavaCall<?> call : type.getCodeUnitCallsFromSelf()) {
					String target = call.getTargetOwner().getName() + "." + call.getName();
					if (PARSING_CALLS.contains(target)) {
						found.computeIfAbsent(owner.getSimpleName(), (key) -> new TreeSet<>()).add(target);
					}
				}
			}
		}
		List<String> report = new ArrayList<>();
		found.forEach((type, targets) -> report.add(type + " uses " + targets));
		assertThat(found.keySet())
			.as("starter classes that parse text, open connections or start threads: move that logic to "
					+ "tenancy-core (or, once mended, remove them from PARSES_OR_TALKS_YET)\n"
					+ String.join("\n", report))
			.isEqualTo(PARSES_OR_TALKS_YET);
	}

	private static JavaClass topLevel(JavaType type) {
		JavaClass current = type.toErasure();
		while (current.getEnclosingClass().isPresent()) {
			current = current.getEnclosingClass().get();
		}
		return current;
	}

}
