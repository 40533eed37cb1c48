/**
 * Who may talk to the config server: services with an OAuth 2.0 access token from the
 * platform's issuer ({@code tenancy.config-server.token.*}; in local development from the
 * config server's own local issuer), or HTTP basic clients from
 * {@code tenancy.config-server.clients}, validated at startup (no client, a blank
 * password or a password without a {@code {id}} encoding prefix stops the server with a
 * failure analysis), whose verified credentials are remembered for a bounded time and
 * whose wrong ones are throttled; what each may read; and the web security rules around
 * the config endpoints and actuator.
 */
package dev.tenancy.configserver.security;
