/**
 * Tenant resolution: one resolver per request source and the composite policy that makes
 * them agree, with the verified token authoritative.
 */
package dev.tenancy.resolve;
