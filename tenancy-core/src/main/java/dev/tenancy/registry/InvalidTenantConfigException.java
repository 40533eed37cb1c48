package dev.tenancy.registry;

import java.util.List;
import java.util.stream.Collectors;

import dev.tenancy.TenancyException.Violation;

/**
 * A tenant configuration was rejected. Each {@linkplain #violations() violation} names
 * the offending path (such as {@code rateLimit.perUser.limit}) and what is expected
 * there, never the rejected value itself; the message is the violations,
 * {@code path: message}, separated by {@code "; "}. Whoever reads tenants (properties at
 * start-up, tenant files, the admin API, the config server) gets the same violations for
 * the same mistake, see {@link TenantConfigJson}.
 */
public class InvalidTenantConfigException extends IllegalArgumentException {

	private final List<Violation> violations;

	/**
	 * One violation.
	 * @param path the offending path, {@code config} (or empty) for the whole document
	 * @param reason what is expected there
	 */
	public InvalidTenantConfigException(String path, String reason) {
		this(List.of(new Violation((path == null || path.isEmpty()) ? "config" : path, reason)));
	}

	/**
	 * Several violations.
	 * @param violations what is wrong, at least one
	 */
	public InvalidTenantConfigException(List<Violation> violations) {
		super(violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
		if (violations.isEmpty()) {
			throw new IllegalArgumentException("no violation");
		}
		this.violations = List.copyOf(violations);
	}

	/**
	 * @return the path of the first offending key, {@code config} for the whole document
	 */
	public String path() {
		return this.violations.get(0).path();
	}

	/**
	 * @return what the first violation says is expected
	 */
	public String reason() {
		return this.violations.get(0).message();
	}

	/**
	 * @return every violation, in document order
	 */
	public List<Violation> violations() {
		return this.violations;
	}

	/**
	 * The same violations under a prefix: {@code plan} becomes {@code config.plan}.
	 * @param prefix the prefix, such as {@code config}
	 * @return the prefixed exception
	 */
	public InvalidTenantConfigException prefixed(String prefix) {
		if (prefix == null || prefix.isEmpty()) {
			return this;
		}
		return new InvalidTenantConfigException(this.violations.stream()
			.map((violation) -> new Violation(
					violation.path().equals("config") && prefix.endsWith("config") ? prefix
							: prefix + (violation.path().startsWith("[") ? "" : ".") + violation.path(),
					violation.message()))
			.toList());
	}

}
