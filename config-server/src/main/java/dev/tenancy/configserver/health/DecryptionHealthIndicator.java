package dev.tenancy.configserver.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.configserver.security.ConfigPathAuthorizationManager;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.cloud.config.environment.Environment;
import org.springframework.cloud.config.environment.PropertySource;
import org.springframework.cloud.config.server.environment.EnvironmentController;

/**
 * DOWN when any {@code {cipher}} value served to a known client application cannot be
 * decrypted.
 *
 * <p>
 * Walks the configuration that {@link EnvironmentController} serves (default profile,
 * default label, decryption included) to every configured client. A value that failed to
 * decrypt shows up as a key {@code invalid.<key>} (the server's own marker); a value
 * still starting with {@code {cipher}} means the server has no key and would hand the
 * cipher text to the client. Both are DOWN: a secret that does not decrypt must never go
 * unnoticed. Details name the application and key, never a value.
 */
public final class DecryptionHealthIndicator implements HealthIndicator {

	private static final Logger LOG = LoggerFactory.getLogger(DecryptionHealthIndicator.class);

	private final EnvironmentController environments;

	private final List<String> applications;

	private final Duration cacheFor;

	private volatile Health last;

	private volatile long lastAt;

	/**
	 * @param environments what the server serves
	 * @param applications the client applications to check
	 * @param cacheFor how long one answer is reused: each check loads every application's
	 * configuration, so frequent probes must not repeat it
	 */
	public DecryptionHealthIndicator(EnvironmentController environments, Iterable<String> applications,
			Duration cacheFor) {
		this.environments = environments;
		this.applications = new ArrayList<>(new TreeSet<>(toList(applications)));
		this.cacheFor = cacheFor;
	}

	private static List<String> toList(Iterable<String> values) {
		List<String> list = new ArrayList<>();
		values.forEach(list::add);
		return list;
	}

	@Override
	public Health health() {
		Health cached = this.last;
		long now = System.nanoTime();
		if (cached != null && now - this.lastAt < this.cacheFor.toNanos()) {
			return cached;
		}
		Health current = check();
		this.last = current;
		this.lastAt = now;
		return current;
	}

	private Health check() {
		List<String> failures = new ArrayList<>();
		for (String application : this.applications) {
			if (!ConfigPathAuthorizationManager.APPLICATION_NAME.matcher(application).matches()) {
				continue; // such a client cannot read any configuration
			}
			Environment environment = this.environments.defaultLabel(application, "default");
			for (PropertySource source : environment.getPropertySources()) {
				for (Map.Entry<?, ?> property : source.getSource().entrySet()) {
					String key = String.valueOf(property.getKey());
					Object value = property.getValue();
					if (key.startsWith("invalid.")) {
						failures.add(application + ": " + key.substring("invalid.".length()));
					}
					else if (value != null && String.valueOf(value).startsWith("{cipher}")) {
						failures.add(application + ": " + key + " (not decrypted: no key?)");
					}
				}
			}
		}
		if (failures.isEmpty()) {
			return Health.up().withDetail("applications", this.applications).build();
		}
		LOG.error("Encrypted configuration values cannot be decrypted: {}", failures);
		return Health.down().withDetail("undecryptable", failures).build();
	}

}
