/**
 * Pushed changes: the config server publishes a tenant change event on Spring Cloud Bus
 * for each entry of its changes feed, and {@code /admin/monitor} (Spring Cloud Config
 * Monitor) publishes configuration refresh events.
 */
package dev.tenancy.configserver.bus;
