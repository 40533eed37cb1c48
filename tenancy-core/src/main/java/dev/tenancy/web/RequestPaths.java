package dev.tenancy.web;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * A set of path patterns ({@code /actuator/health/**}) matched against the request path
 * within the application.
 */
final class RequestPaths {

	private final List<PathPattern> patterns;

	RequestPaths(List<String> patterns) {
		PathPatternParser parser = new PathPatternParser();
		this.patterns = patterns.stream().map(parser::parse).toList();
	}

	boolean matches(HttpServletRequest request) {
		if (this.patterns.isEmpty()) {
			return false;
		}
		// Parsed here rather than through ServletRequestPathUtils so the request is left
		// untouched.
		PathContainer path = RequestPath.parse(request.getRequestURI(), request.getContextPath())
			.pathWithinApplication();
		return this.patterns.stream().anyMatch((pattern) -> pattern.matches(path));
	}

}
