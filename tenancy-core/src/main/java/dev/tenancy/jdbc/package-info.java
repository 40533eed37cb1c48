/**
 * PostgreSQL row-level security support: the current tenant set on each transaction's
 * connection and a start-up check that RLS can hold for the application's role.
 */
package dev.tenancy.jdbc;
