package dev.tenancy.web;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 404 for the OAuth 2.0 protected resource metadata
 * ({@code /.well-known/oauth-protected-resource} and below) when no base URL of the
 * resource is configured. Spring Security 7's resource server always serves that document
 * and builds its {@code resource} from the request URL, that is from whatever
 * {@code Host} header the caller sent; without a configured base URL there is no
 * trustworthy value to publish, so nothing is published.
 */
public final class UnpublishedResourceMetadataFilter extends OncePerRequestFilter {

	/** Where Spring Security serves the metadata. */
	public static final String METADATA_PATH = "/.well-known/oauth-protected-resource";

	// Matched like Spring Security matches it (decoded segments), so no spelling of the
	// path
	// slips past this filter to Spring's.
	private final RequestPaths metadataPaths = new RequestPaths(List.of(METADATA_PATH, METADATA_PATH + "/**"));

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (this.metadataPaths.matches(request)) {
			response.sendError(HttpServletResponse.SC_NOT_FOUND);
			return;
		}
		chain.doFilter(request, response);
	}

}
