package dev.tenancy.web;

import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;

import dev.tenancy.admin.AdminGuard;

/**
 * The admin rule: grants a request to an administrator (the
 * {@link AdminGuard#ADMIN_AUTHORITY}, which the bootstrap {@code X-Admin-Token} grants,
 * or the admin JWT scope) and denies everyone else. When no admin credential mechanism
 * exists at all it denies everyone, and {@link AdminAccessDeniedFilter} answers 503
 * {@code admin_not_configured}.
 * <p>
 * A granted request is marked ({@link #GRANTED_ATTRIBUTE}), so that
 * {@link AdminGuardFilter}, which runs after Spring Security, can refuse an admin request
 * that no chain put through this rule.
 */
public final class AdminAuthorizationManager implements AuthorizationManager<HttpServletRequest> {

	/**
	 * Request attribute set to {@code Boolean.TRUE} when this rule granted the request.
	 */
	public static final String GRANTED_ATTRIBUTE = AdminAuthorizationManager.class.getName() + ".granted";

	private final AdminGuard guard;

	/**
	 * Create the rule.
	 * @param guard what makes a caller an administrator
	 */
	public AdminAuthorizationManager(AdminGuard guard) {
		this.guard = guard;
	}

	@Override
	public AuthorizationResult authorize(Supplier<? extends Authentication> authentication,
			HttpServletRequest request) {
		boolean granted = this.guard.isAdmin(authentication.get());
		if (granted) {
			request.setAttribute(GRANTED_ATTRIBUTE, Boolean.TRUE);
		}
		return new AuthorizationDecision(granted);
	}

	@Override
	public String toString() {
		return "AdminAuthorizationManager[" + this.guard + "]";
	}

}
