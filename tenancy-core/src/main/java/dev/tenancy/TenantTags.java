package dev.tenancy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounded values of the {@value #KEY} metric tag: the first {@code max} tenants seen keep
 * their own id, every other is {@value #OTHER}, so a metrics registry never holds more
 * than {@code max + 1} tenant series per meter (whatever the number of tenants or of
 * forged ids).
 */
public final class TenantTags {

	/** The tag key of the tenant, the same name as in the MDC, logs and spans. */
	public static final String KEY = "tenant_id";

	/** The tag value of tenants beyond the bound. */
	public static final String OTHER = "other";

	/** The tag value of requests that named no usable tenant. */
	public static final String NONE = "none";

	private final int max;

	private final Set<String> tagged = ConcurrentHashMap.newKeySet();

	/**
	 * Tags for at most {@code max} tenants.
	 * @param max how many distinct tenants get their own tag value (0 for none)
	 */
	public TenantTags(int max) {
		if (max < 0) {
			throw new IllegalArgumentException("max must not be negative");
		}
		this.max = max;
	}

	/**
	 * The tag of a tenant, taking one of the free values if any is left.
	 * @param tenant the tenant id (a known tenant, never an id a caller made up)
	 * @return the id or {@value #OTHER}
	 */
	public String tag(String tenant) {
		if (this.tagged.contains(tenant)) {
			return tenant;
		}
		if (this.tagged.size() >= this.max) {
			return OTHER;
		}
		synchronized (this.tagged) {
			if (this.tagged.size() < this.max) {
				this.tagged.add(tenant);
				return tenant;
			}
		}
		return this.tagged.contains(tenant) ? tenant : OTHER;
	}

	/**
	 * The tag of a tenant without taking a free value: for ids that may be unknown or
	 * forged.
	 * @param tenant the tenant id, or {@code null}
	 * @return the id if it already has its own tag, {@value #NONE} without an id,
	 * otherwise {@value #OTHER}
	 */
	public String existingTag(String tenant) {
		if (tenant == null) {
			return NONE;
		}
		return this.tagged.contains(tenant) ? tenant : OTHER;
	}

}
