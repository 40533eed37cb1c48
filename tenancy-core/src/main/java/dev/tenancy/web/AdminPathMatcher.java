package dev.tenancy.web;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Matches the admin paths ({@code tenancy.admin.paths}) the way the tenant isolation
 * filter matches its exemptions: path patterns against the decoded path within the
 * application. The admin rule, the admin token authentication and the admin answers all
 * use the same matcher, so a path is either an admin path everywhere or nowhere.
 */
public final class AdminPathMatcher implements RequestMatcher {

	private final List<String> patterns;

	private final RequestPaths paths;

	/**
	 * Create a matcher.
	 * @param patterns path patterns such as {@code /admin/**}
	 */
	public AdminPathMatcher(List<String> patterns) {
		this.patterns = List.copyOf(patterns);
		this.paths = new RequestPaths(this.patterns);
	}

	@Override
	public boolean matches(HttpServletRequest request) {
		return this.paths.matches(request);
	}

	/**
	 * The patterns.
	 * @return the path patterns
	 */
	public List<String> patterns() {
		return this.patterns;
	}

	@Override
	public String toString() {
		return "AdminPaths" + this.patterns;
	}

}
