/**
 * Verifying bearer tokens against an identity provider that may be slow, down or hostile:
 * a JWK set cache that fetches at most once per interval and keeps known keys through an
 * outage, and a {@code JwtDecoder} that tells "the identity provider cannot be asked"
 * (503) apart from "the token is invalid" (401).
 */
package dev.tenancy.security;
