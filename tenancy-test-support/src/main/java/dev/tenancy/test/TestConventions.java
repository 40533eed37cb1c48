package dev.tenancy.test;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;

/**
 * The house's test naming convention, checked over one module's test classes (see
 * {@code docs/development.md}):
 * <ul>
 * <li>a concrete top-level class with test methods (its own or inherited) ends in
 * {@code Test}, so that Surefire's default includes run it and every module reads alike;
 * an abstract base class of shared cases may be named freely (such as
 * {@code ErrorAnswerCases});</li>
 * <li>test classes and test methods are package-private (JUnit 5 needs nothing
 * more);</li>
 * <li>test method names are lowerCamelCase sentences about behaviour, without a
 * {@code test} prefix or underscores;</li>
 * <li>JUnit 5 only: a JUnit 4 {@code @Test} would silently not run;</li>
 * <li>test classes live in the module's package (the package of the class that runs the
 * check) or below it, beside what they test.</li>
 * </ul>
 * Each module runs it from one test class in its root package:
 * {@code TestConventions.of(TestConventionsTest.class).check()}.
 */
public final class TestConventions {

	private static final Set<String> TEST_ANNOTATIONS = Set.of("org.junit.jupiter.api.Test",
			"org.junit.jupiter.params.ParameterizedTest", "org.junit.jupiter.api.RepeatedTest",
			"org.junit.jupiter.api.TestFactory", "org.junit.jupiter.api.TestTemplate");

	private static final String JUNIT4_TEST = "org.junit.Test";

	private static final Pattern METHOD_NAME = Pattern.compile("[a-z][A-Za-z0-9]*");

	private static final Pattern TEST_PREFIX = Pattern.compile("test[A-Z0-9].*");

	private final Class<?> anchor;

	private final Set<String> knownViolations;

	private TestConventions(Class<?> anchor, Set<String> knownViolations) {
		this.anchor = anchor;
		this.knownViolations = knownViolations;
	}

	/**
	 * The conventions for the test classes beside {@code anchor}: those of the same build
	 * output directory, which must sit in {@code anchor}'s package or below it.
	 * @param anchor a test class in the module's root package
	 * @return the check
	 */
	public static TestConventions of(Class<?> anchor) {
		return new TestConventions(anchor, Set.of());
	}

	/**
	 * Tolerate violations by these classes (simple names) until they are renamed; the
	 * check fails once one of them no longer violates, so the list cannot outlive its
	 * reason.
	 * @param simpleNames the classes' simple names
	 * @return the check
	 */
	public TestConventions allowingKnownViolations(String... simpleNames) {
		return new TestConventions(this.anchor, new LinkedHashSet<>(Arrays.asList(simpleNames)));
	}

	/**
	 * Check every test class of the module.
	 * @throws AssertionError listing every violation
	 */
	public void check() {
		Map<String, List<String>> violations = violations();
		List<String> lines = new ArrayList<>();
		violations.forEach((type, found) -> {
			if (!this.knownViolations.contains(type)) {
				found.forEach(lines::add);
			}
		});
		for (String known : this.knownViolations) {
			if (!violations.containsKey(known)) {
				lines.add(known + " is listed as a known violation but no longer violates: remove it from the list");
			}
		}
		if (!lines.isEmpty()) {
			throw new AssertionError(
					"Test conventions (docs/development.md) violated:\n  " + String.join("\n  ", lines));
		}
	}

	/**
	 * Every violation, by the simple name of the top-level class it belongs to.
	 * @return the violations
	 */
	public Map<String, List<String>> violations() {
		JavaClasses classes = importTestClasses();
		String root = this.anchor.getPackageName();
		Map<String, List<String>> violations = new LinkedHashMap<>();
		for (JavaClass type : classes) {
			String owner = topLevel(type).getSimpleName();
			List<String> found = new ArrayList<>();
			if (!type.getPackageName().equals(root) && !type.getPackageName().startsWith(root + ".")) {
				found.add(type.getName() + " is outside the module's package " + root);
			}
			boolean concrete = !type.getModifiers().contains(JavaModifier.ABSTRACT) && !type.isInterface();
			boolean runsTests = type.getAllMethods().stream().anyMatch(TestConventions::isTestMethod);
			if (type.isTopLevelClass() && concrete && runsTests && !type.getSimpleName().endsWith("Test")) {
				found.add(type.getName() + " has tests, so its name must end in Test");
			}
			List<JavaMethod> tests = type.getMethods().stream().filter(TestConventions::isTestMethod).toList();
			if (!tests.isEmpty() && type.getModifiers().contains(JavaModifier.PUBLIC)) {
				found.add(type.getName() + " is public: test classes are package-private");
			}
			for (JavaMethod method : tests) {
				String name = type.getSimpleName() + "." + method.getName();
				if (method.getModifiers().contains(JavaModifier.PUBLIC)) {
					found.add(name + " is public: test methods are package-private");
				}
				if (!METHOD_NAME.matcher(method.getName()).matches()
						|| TEST_PREFIX.matcher(method.getName()).matches()) {
					found.add(name + " must be a lowerCamelCase behaviour, without a test prefix or underscores");
				}
			}
			for (JavaMethod method : type.getMethods()) {
				if (method.isAnnotatedWith(JUNIT4_TEST)) {
					found.add(type.getSimpleName() + "." + method.getName()
							+ " uses JUnit 4's @Test, which does not run");
				}
			}
			if (!found.isEmpty()) {
				violations.computeIfAbsent(owner, (key) -> new ArrayList<>()).addAll(found);
			}
		}
		return violations;
	}

	private JavaClasses importTestClasses() {
		Path location;
		try {
			location = Path.of(this.anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
		if (!Files.isDirectory(location)) {
			throw new IllegalStateException(
					this.anchor + " is not in a directory of compiled test classes: " + location);
		}
		// Only the names and annotations of the module's own test classes matter;
		// resolving every
		// referenced class from the classpath would cost seconds.
		ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
		JavaClasses classes;
		try {
			classes = new ClassFileImporter().importPath(location);
		}
		finally {
			ArchConfiguration.get().reset();
		}
		if (!classes.contain(this.anchor)) {
			throw new IllegalStateException("The import from " + location + " misses " + this.anchor);
		}
		return classes;
	}

	private static boolean isTestMethod(JavaMethod method) {
		return TEST_ANNOTATIONS.stream().anyMatch(method::isAnnotatedWith);
	}

	private static JavaClass topLevel(JavaClass type) {
		JavaClass current = type;
		while (current.getEnclosingClass().isPresent()) {
			current = current.getEnclosingClass().get();
		}
		return current;
	}

}
