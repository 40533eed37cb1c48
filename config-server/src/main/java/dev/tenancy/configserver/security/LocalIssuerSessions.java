package dev.tenancy.configserver.security;

import org.springframework.http.HttpMethod;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * Where the local issuer keeps a person's sign-in and the authorization request they came
 * with. The console lives on the same server and so in the same HTTP session: both live
 * under keys of their own, so that signing in at the issuer never signs anybody in to the
 * console (only the console's own OAuth 2.0 login does), and the console's saved page
 * never replaces the issuer's saved authorization request.
 */
final class LocalIssuerSessions {

	static final String CONTEXT_ATTRIBUTE = "TENANCY_LOCAL_ISSUER_SECURITY_CONTEXT";

	static final String REQUEST_ATTRIBUTE = "TENANCY_LOCAL_ISSUER_SAVED_REQUEST";

	private final HttpSessionSecurityContextRepository contexts = new HttpSessionSecurityContextRepository();

	private final HttpSessionRequestCache authorizationRequests = new HttpSessionRequestCache();

	LocalIssuerSessions() {
		this.contexts.setSpringSecurityContextKey(CONTEXT_ATTRIBUTE);
		this.authorizationRequests.setSessionAttrName(REQUEST_ATTRIBUTE);
		// Only the authorization endpoint is worth returning to after the login page.
		this.authorizationRequests
			.setRequestMatcher(PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, "/oauth2/authorize"));
	}

	SecurityContextRepository contexts() {
		return this.contexts;
	}

	RequestCache authorizationRequests() {
		return this.authorizationRequests;
	}

}
