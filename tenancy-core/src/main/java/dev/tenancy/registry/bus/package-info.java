/**
 * Tenant changes pushed over Spring Cloud Bus (RabbitMQ): the event the config server
 * publishes ({@link dev.tenancy.registry.bus.TenantChangedRemoteEvent}), how an instance
 * applies it ({@link dev.tenancy.registry.bus.TenantChangePush}) and when the bus counts
 * as connected ({@link dev.tenancy.registry.bus.BusConsumerState}). Needs
 * {@code spring-cloud-bus} (and {@code spring-rabbit} for the connection state); the
 * config server's HTTP changes feed stays the catch-up path, and the only source of
 * truth.
 */
package dev.tenancy.registry.bus;
