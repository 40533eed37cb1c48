package dev.tenancy.autoconfigure;

import java.util.stream.Stream;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.context.support.WebApplicationContextUtils;

/**
 * The actuator endpoints the platform reads without a token ({@code health} with its
 * probes, {@code prometheus}) on the management server's own port: that port is reached
 * by the kubelet and Prometheus inside the cluster and is not published, so the network
 * is its protection. Requests on the application's port never match (on a shared port the
 * endpoints stay behind the application's rules: health is a public path anyway,
 * Prometheus then needs a token).
 */
final class ManagementPortEndpoints implements RequestMatcher {

	private static final String MANAGEMENT = "management";

	private final RequestMatcher paths;

	private ManagementPortEndpoints(String basePath) {
		PathPatternRequestMatcher.Builder builder = PathPatternRequestMatcher.withDefaults();
		this.paths = new OrRequestMatcher(Stream.of("/health", "/health/**", "/prometheus")
			.map((endpoint) -> (RequestMatcher) builder.matcher(basePath + endpoint))
			.toList());
	}

	/**
	 * @param environment the application's environment
	 * @return a matcher of those endpoints on the management port
	 */
	static RequestMatcher openOnManagementPort(Environment environment) {
		String basePath = environment.getProperty("management.endpoints.web.base-path", "/actuator");
		return new ManagementPortEndpoints(
				basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath);
	}

	@Override
	public boolean matches(HttpServletRequest request) {
		WebApplicationContext context = WebApplicationContextUtils
			.getWebApplicationContext(request.getServletContext());
		// Only the management server's own context has this namespace (a separate port).
		return context != null && WebServerApplicationContext.hasServerNamespace(context, MANAGEMENT)
				&& this.paths.matches(request);
	}

}
