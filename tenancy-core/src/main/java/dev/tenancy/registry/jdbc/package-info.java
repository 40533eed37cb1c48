/**
 * The PostgreSQL tenant registry, its migrations and the LISTEN/NOTIFY change listener.
 */
package dev.tenancy.registry.jdbc;
