package dev.tenancy.client;

import java.util.Optional;

/**
 * Where an outbound request's bearer token comes from.
 */
@FunctionalInterface
public interface OutboundToken {

	/**
	 * The token for the request being sent on this thread.
	 * @return the token value, or empty when this source has none
	 */
	Optional<String> token();

}
