package dev.tenancy.ratelimit;

import java.util.Map;
import java.util.Objects;

/**
 * Chooses the {@link FailureMode} of a plan.
 * <p>
 * {@link dev.tenancy.TenantConfig.RateLimit} has no failure mode of its own, so the mode
 * is set per limiter, optionally per plan name ({@link dev.tenancy.TenantConfig#plan()}).
 */
@FunctionalInterface
public interface FailureModePolicy {

	/**
	 * The failure mode for a plan.
	 * @param plan the plan of the request
	 * @return the mode, never {@code null}
	 */
	FailureMode modeFor(RateLimitPlan plan);

	/**
	 * The same mode for every plan.
	 * @param mode the mode
	 * @return the policy
	 */
	static FailureModePolicy always(FailureMode mode) {
		Objects.requireNonNull(mode, "mode");
		return (plan) -> mode;
	}

	/**
	 * A mode per plan name, with a default for plans not named.
	 * @param byPlanName modes keyed by {@link RateLimitPlan#name()}
	 * @param defaultMode the mode of every other plan
	 * @return the policy
	 */
	static FailureModePolicy byPlanName(Map<String, FailureMode> byPlanName, FailureMode defaultMode) {
		Map<String, FailureMode> modes = Map.copyOf(byPlanName);
		Objects.requireNonNull(defaultMode, "defaultMode");
		return (plan) -> (plan.name() != null) ? modes.getOrDefault(plan.name(), defaultMode) : defaultMode;
	}

}
