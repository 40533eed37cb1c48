/**
 * Who may talk to the config server: HTTP basic clients from
 * {@code tenancy.config-server.clients}, validated at startup (no client, a blank
 * password or a password without a {@code {id}} encoding prefix stops the server with a
 * failure analysis), and the web security rules around the config endpoints and actuator.
 */
package dev.tenancy.configserver.security;
