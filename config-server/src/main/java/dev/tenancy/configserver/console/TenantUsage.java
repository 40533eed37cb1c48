package dev.tenancy.configserver.console;

import dev.tenancy.TenantId;

/**
 * A tenant's requests and rate-limit rejections over the last hour, for the console's
 * usage chart.
 */
interface TenantUsage {

	/**
	 * The last hour of a tenant, a value per minute.
	 * @param tenant the tenant
	 * @return the chart, {@link UsageChart#unavailable(String)} when nothing is known
	 */
	UsageChart lastHour(TenantId tenant);

}
