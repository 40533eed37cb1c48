/**
 * Micrometer meters tagged by tenant, bounded by {@link dev.tenancy.TenantTags}: shared
 * by the request metrics and the rate limiter's.
 */
package dev.tenancy.metrics;
