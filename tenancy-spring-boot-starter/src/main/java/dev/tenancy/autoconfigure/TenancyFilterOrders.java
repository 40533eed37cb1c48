package dev.tenancy.autoconfigure;

import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.core.Ordered;

/**
 * The order of every servlet filter the starter registers, in one table. Filters that
 * work on the security filter chain's outcome are placed in steps of 100 after Spring
 * Security's filter chain ({@link #SECURITY}, {@code spring.security.filter.order}, -100
 * by default), as Spring Security orders its own filters; the two error safety nets stay
 * outside everything.
 *
 * <table>
 * <caption>Filter orders</caption>
 * <tr>
 * <th>constant</th>
 * <th>order</th>
 * <th>filter</th>
 * </tr>
 * <tr>
 * <td>{@link #ERROR_PAGE}</td>
 * <td>{@code HIGHEST_PRECEDENCE}</td>
 * <td>error page as problem+json (ERROR dispatch)</td>
 * </tr>
 * <tr>
 * <td>{@link #REQUEST_ID}</td>
 * <td>{@code HIGHEST_PRECEDENCE + 2}</td>
 * <td>request id in the MDC and the {@code X-Request-ID} response header (inside the
 * observation filter)</td>
 * </tr>
 * <tr>
 * <td>{@link #INTERNAL_ERROR}</td>
 * <td>{@code HIGHEST_PRECEDENCE + 3}</td>
 * <td>internal-error safety net (inside the observation filter)</td>
 * </tr>
 * <tr>
 * <td>{@link #SECURITY}</td>
 * <td>-100</td>
 * <td>Spring Security's filter chain (not ours)</td>
 * </tr>
 * <tr>
 * <td>{@link #REQUEST_BODY_LIMIT}</td>
 * <td>{@code SECURITY + 100}</td>
 * <td>request body limit</td>
 * </tr>
 * <tr>
 * <td>{@link #ADMIN_GUARD}</td>
 * <td>{@code SECURITY + 200}</td>
 * <td>admin safety net: admin paths only when the admin rule granted them</td>
 * </tr>
 * <tr>
 * <td>{@link #TENANT_ISOLATION}</td>
 * <td>{@code SECURITY + 300}</td>
 * <td>tenant isolation</td>
 * </tr>
 * <tr>
 * <td>{@link #RATE_LIMIT}</td>
 * <td>{@code SECURITY + 400}</td>
 * <td>rate limit (needs the tenant)</td>
 * </tr>
 * </table>
 * An application filter that needs the tenant goes after {@link #TENANT_ISOLATION} (or
 * after {@link #RATE_LIMIT} to run only for admitted requests).
 */
public final class TenancyFilterOrders {

	/** Step between two of the starter's filters. */
	public static final int STEP = 100;

	/**
	 * The error page filter: ahead of Spring Security, whose decision was taken on the
	 * request that failed and must not turn an error dispatch into another error.
	 */
	public static final int ERROR_PAGE = Ordered.HIGHEST_PRECEDENCE;

	/**
	 * The request id: right inside the observation filter
	 * ({@code HIGHEST_PRECEDENCE + 1}, Spring Boot's), outside the internal-error safety
	 * net, so the line that logs an unhandled exception carries the request id too.
	 */
	public static final int REQUEST_ID = Ordered.HIGHEST_PRECEDENCE + 2;

	/**
	 * The internal-error safety net: outside everything but the observation and request
	 * id filters, whether or not tenant isolation is on.
	 */
	public static final int INTERNAL_ERROR = Ordered.HIGHEST_PRECEDENCE + 3;

	/** Spring Security's filter chain, the reference of the orders below. */
	public static final int SECURITY = SecurityFilterProperties.DEFAULT_FILTER_ORDER;

	/**
	 * The request body limit: right after Spring Security, so its 413 carries the
	 * security headers.
	 */
	public static final int REQUEST_BODY_LIMIT = SECURITY + STEP;

	/** The admin safety net: refuses admin requests the admin rule did not grant. */
	public static final int ADMIN_GUARD = SECURITY + 2 * STEP;

	/** Tenant isolation: after authentication, so the verified token is known. */
	public static final int TENANT_ISOLATION = SECURITY + 3 * STEP;

	/** The rate limit: after tenant isolation, so the tenant's plan is known. */
	public static final int RATE_LIMIT = SECURITY + 4 * STEP;

	private TenancyFilterOrders() {
	}

}
