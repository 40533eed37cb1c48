/**
 * Outbound HTTP: what the library's own clients (the config server's tenant API, an
 * identity provider's JWK set) share.
 */
package dev.tenancy.client;
