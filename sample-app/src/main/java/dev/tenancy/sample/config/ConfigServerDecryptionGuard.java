package dev.tenancy.sample.config;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Refuses to start when configuration from the config server holds a value that failed to
 * decrypt. Spring Cloud Config Server serves such a {@code '{cipher}...'} value as
 * {@code invalid.<key>} (with a placeholder value) instead of {@code <key>}; without this
 * guard the app would start with the key simply missing, or with a default.
 * <p>
 * Active with the {@code configserver} profile, or whenever a property source from a
 * config server is present. The message names the keys, never their values.
 */
public class ConfigServerDecryptionGuard implements EnvironmentPostProcessor, Ordered {

	/** The prefix Spring Cloud Config gives a key whose value could not be decrypted. */
	static final String INVALID_PREFIX = "invalid.";

	static final String PROFILE = "configserver";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!applies(environment)) {
			return;
		}
		Set<String> invalid = new TreeSet<>();
		for (PropertySource<?> source : environment.getPropertySources()) {
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				for (String name : enumerable.getPropertyNames()) {
					if (name.startsWith(INVALID_PREFIX) && name.length() > INVALID_PREFIX.length()) {
						invalid.add(name.substring(INVALID_PREFIX.length()));
					}
				}
			}
		}
		if (!invalid.isEmpty()) {
			throw new IllegalStateException("Refusing to start: the config server could not decrypt the value of "
					+ ((invalid.size() == 1) ? "key " : "keys ") + String.join(", ", invalid) + " (served as "
					+ INVALID_PREFIX + "<key>). Check the '{cipher}' value(s) in the configuration "
					+ "repository and the config server's encryption key.");
		}
	}

	private static boolean applies(ConfigurableEnvironment environment) {
		if (Arrays.asList(environment.getActiveProfiles()).contains(PROFILE)) {
			return true;
		}
		for (PropertySource<?> source : environment.getPropertySources()) {
			if (isConfigServerSource(source.getName())) {
				return true;
			}
		}
		return false;
	}

	private static boolean isConfigServerSource(String name) {
		return name != null && (name.startsWith("configserver:") || name.startsWith("configClient")
				|| name.contains("Config resource 'configserver") || name.contains("configserver:"));
	}

	@Override
	public int getOrder() {
		// After ConfigDataEnvironmentPostProcessor, which loads the config server's
		// property sources.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
