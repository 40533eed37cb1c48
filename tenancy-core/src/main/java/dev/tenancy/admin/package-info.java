/**
 * The admin guard and the tenant admin REST API.
 */
package dev.tenancy.admin;
