package dev.tenancy.security;

import com.nimbusds.jose.jwk.JWKSet;

/**
 * Fetches the identity provider's current JWK set.
 */
@FunctionalInterface
interface JwkSetFetcher {

	/**
	 * Fetch the JWK set.
	 * @return the set
	 * @throws Exception when it cannot be fetched or parsed
	 */
	JWKSet fetch() throws Exception;

}
