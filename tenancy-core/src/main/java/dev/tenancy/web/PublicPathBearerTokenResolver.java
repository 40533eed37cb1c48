package dev.tenancy.web;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * Resolves the bearer token of a request except on public paths, where a token is
 * ignored: a health check that happens to carry a token must never wait for, or fail
 * with, the identity provider. Spring Security's resource server otherwise authenticates
 * every bearer token on every path, public or not.
 */
public final class PublicPathBearerTokenResolver implements BearerTokenResolver {

	private final RequestPaths publicPaths;

	private final BearerTokenResolver delegate;

	/**
	 * Create a resolver.
	 * @param publicPaths path patterns where tokens are ignored
	 */
	public PublicPathBearerTokenResolver(List<String> publicPaths) {
		this(publicPaths, new DefaultBearerTokenResolver());
	}

	/**
	 * Create a resolver.
	 * @param publicPaths path patterns where tokens are ignored
	 * @param delegate resolves the token elsewhere
	 */
	public PublicPathBearerTokenResolver(List<String> publicPaths, BearerTokenResolver delegate) {
		this.publicPaths = new RequestPaths(publicPaths);
		this.delegate = delegate;
	}

	@Override
	public String resolve(HttpServletRequest request) {
		if (this.publicPaths.matches(request)) {
			return null;
		}
		return this.delegate.resolve(request);
	}

}
