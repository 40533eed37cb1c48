/**
 * A registry that asks the config server's tenant API over HTTP, and the follower of its
 * changes feed that keeps a local cache current.
 */
package dev.tenancy.registry.remote;
