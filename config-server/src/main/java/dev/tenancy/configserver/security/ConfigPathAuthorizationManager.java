package dev.tenancy.configserver.security;

import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * Per-service authorization on the standard Config Server paths: a client may read only
 * the application named like itself (its basic-auth username, or the
 * {@code config:<name>} scope of its access token:
 * {@link ServiceAuthorities#application}). The shared {@code application} configuration
 * reaches it through the server's normal merge, never by asking for
 * {@code /application/...}.
 *
 * <p>
 * The decision is taken on the <em>raw</em> request path, before Spring MVC decodes or
 * matches it, and only shapes that every Config Server mapping would read as "the
 * caller's own application" are allowed:
 * <ul>
 * <li>{@code /{name}/{profiles}[/{label}]} and the resource form
 * {@code /{name}/{profile}/{label}/{path...}} (the application is the first
 * segment);</li>
 * <li>{@code /{name}-{profiles}.(yml|yaml|properties|json)}: the application is
 * everything before the last {@code -}, exactly as Spring's pattern
 * {@code {name}-{profiles}} captures it;</li>
 * <li>{@code /{label}/{name}-{profiles}.(ext)}: allowed only when <em>both</em> readings
 * of the path (label form and {@code /{name}/{profiles}}) name the caller.</li>
 * </ul>
 * Everything else is denied (403; 401 for anonymous callers): a percent sign anywhere (no
 * encoded traversal, encoded slash or encoded anything), empty, {@code .} or {@code ..}
 * segments, a comma list of names, the {@code (_)} separator, names outside
 * {@code [a-z0-9][a-z0-9-]{0,62}} (upper case, non-ASCII, over 63 characters), profiles
 * and labels outside a small safe charset. The encryption endpoints ({@code /encrypt},
 * {@code /decrypt}, {@code /key}) are never served to clients.
 */
public final class ConfigPathAuthorizationManager implements AuthorizationManager<RequestAuthorizationContext> {

	/**
	 * A readable application name: what a client name must look like to read anything.
	 */
	public static final Pattern APPLICATION_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

	private static final Pattern PROFILES = Pattern
		.compile("[A-Za-z0-9][A-Za-z0-9._+@-]{0,62}(,[A-Za-z0-9][A-Za-z0-9._+@-]{0,62}){0,9}");

	private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

	private static final Pattern RESOURCE_SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,199}");

	private static final Pattern FILE = Pattern.compile("(.+)-([^-]+)\\.(yml|yaml|properties|json)");

	/** Never an application name a client may read, whatever it is called. */
	private static final Set<String> RESERVED = Set.of("application", "encrypt", "decrypt", "key", "actuator", "admin",
			"tenants", "error", "oauth2");

	private static final int MAX_PATH_LENGTH = 1024;

	private static final AuthorizationDecision DENY = new AuthorizationDecision(false);

	private static final AuthorizationDecision ALLOW = new AuthorizationDecision(true);

	@Override
	public AuthorizationResult authorize(Supplier<? extends Authentication> authentication,
			RequestAuthorizationContext context) {
		Authentication caller = authentication.get();
		if (caller == null || !caller.isAuthenticated() || caller instanceof AnonymousAuthenticationToken) {
			return DENY;
		}
		// The basic client's name, or the application a token's config:<name> scope names
		String application = ServiceAuthorities.application(caller);
		return (application != null && isAllowed(application, rawPath(context.getRequest()))) ? ALLOW : DENY;
	}

	private static String rawPath(HttpServletRequest request) {
		String uri = request.getRequestURI();
		String contextPath = request.getContextPath();
		if (uri != null && contextPath != null && !contextPath.isEmpty() && uri.startsWith(contextPath)) {
			uri = uri.substring(contextPath.length());
		}
		return uri;
	}

	/**
	 * Whether the named client may GET the raw (undecoded) path.
	 * @param client the authenticated client name
	 * @param rawPath the request path as sent, without the context path
	 * @return {@code true} only for the client's own configuration
	 */
	static boolean isAllowed(String client, String rawPath) {
		if (client == null || !APPLICATION_NAME.matcher(client).matches() || RESERVED.contains(client)) {
			return false;
		}
		if (rawPath == null || rawPath.length() > MAX_PATH_LENGTH || !rawPath.startsWith("/")) {
			return false;
		}
		for (int i = 0; i < rawPath.length(); i++) {
			char c = rawPath.charAt(i);
			boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '.' || c == '_' || c == '/' || c == ',' || c == '+' || c == '@';
			if (!safe) {
				return false; // '%', '(', ';', '\', non-ASCII, ...
			}
		}
		String[] segments = rawPath.substring(1).split("/", -1);
		for (String segment : segments) {
			if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
				return false;
			}
		}
		if (segments.length == 1) {
			return fileNamesClient(client, segments[0]);
		}
		// /{name}/{profiles}[/{label}[/{resource path...}]]
		if (!segments[0].equals(client) || !PROFILES.matcher(segments[1]).matches()) {
			return false;
		}
		if (segments.length == 2 && FILE.matcher(segments[1]).matches()) {
			// also readable as /{label}/{name}-{profiles}.{ext}: both readings must be
			// the caller's
			return fileNamesClient(client, segments[1]);
		}
		if (segments.length >= 3 && !LABEL.matcher(segments[2]).matches()) {
			return false;
		}
		for (int i = 3; i < segments.length; i++) {
			if (!RESOURCE_SEGMENT.matcher(segments[i]).matches()) {
				return false;
			}
		}
		return true;
	}

	private static boolean fileNamesClient(String client, String file) {
		var matcher = FILE.matcher(file);
		return matcher.matches() && matcher.group(1).equals(client) && PROFILES.matcher(matcher.group(2)).matches();
	}

}
