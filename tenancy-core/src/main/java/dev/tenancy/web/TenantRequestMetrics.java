package dev.tenancy.web;

/**
 * Told the outcome of every request the tenant isolation filter decides: the hook for
 * per-tenant request and rejection metrics.
 */
@FunctionalInterface
public interface TenantRequestMetrics {

	/** Records nothing. */
	TenantRequestMetrics NONE = (tenant, known, outcome) -> {
	};

	/**
	 * A request was decided.
	 * @param tenant the tenant id the request named, or {@code null} if none (or a
	 * malformed one)
	 * @param known whether the tenant is a registered one (admitted, or suspended); an id
	 * that may be unknown or forged must not get a metric series of its own
	 * @param outcome {@code served}, {@code rate_limited}, {@code forbidden},
	 * {@code suspended}, {@code mismatch}, {@code invalid}, {@code required} or
	 * {@code unavailable}
	 */
	void request(String tenant, boolean known, String outcome);

}
