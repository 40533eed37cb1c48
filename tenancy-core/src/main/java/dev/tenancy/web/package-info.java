/**
 * Servlet filters of the request path (tenant isolation, admin guard, internal errors)
 * and problem+json responses. Only the starter wires these.
 */
package dev.tenancy.web;
