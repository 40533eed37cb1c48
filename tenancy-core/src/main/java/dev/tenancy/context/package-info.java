/**
 * The current tenant: scoped run/call API, MDC and context-propagation.
 */
package dev.tenancy.context;
