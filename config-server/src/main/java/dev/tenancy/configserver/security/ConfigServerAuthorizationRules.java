package dev.tenancy.configserver.security;

import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;

/**
 * More URL rules for the config server's chain, from other parts of the server (such as
 * the bus or monitor endpoints): every bean of this type is applied, in
 * {@link org.springframework.core.annotation.Order order}, after the error dispatch and
 * the open health endpoint and before every other rule, so it can open or close a path of
 * its own. Rules must be narrow (exact paths and methods): whatever they match is no
 * longer decided by the rules below them.
 */
@FunctionalInterface
public interface ConfigServerAuthorizationRules {

	/**
	 * Adds rules.
	 * @param requests the chain's request rules
	 */
	void configure(AuthorizeHttpRequestsConfigurer<?>.AuthorizationManagerRequestMatcherRegistry requests);

}
