package dev.tenancy.web;

import jakarta.servlet.http.HttpServletResponse;

/**
 * The security headers every error answer carries, even one written before Spring
 * Security's header writer ran (a firewall rejection) or outside the application
 * altogether (Tomcat's own 400): a JSON error body never needs to be sniffed, framed or
 * to load anything, and must not be cached. Headers already present (such as the
 * application's configured {@code Content-Security-Policy}) are kept.
 */
final class SecurityHeaders {

	/** The policy for error bodies: nothing may load, nothing may frame them. */
	static final String CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

	private SecurityHeaders() {
	}

	static void apply(HttpServletResponse response) {
		setIfAbsent(response, "X-Content-Type-Options", "nosniff");
		setIfAbsent(response, "X-Frame-Options", "DENY");
		setIfAbsent(response, "Content-Security-Policy", CONTENT_SECURITY_POLICY);
		response.setHeader("Cache-Control", "no-store");
	}

	private static void setIfAbsent(HttpServletResponse response, String name, String value) {
		if (!response.containsHeader(name)) {
			response.setHeader(name, value);
		}
	}

}
