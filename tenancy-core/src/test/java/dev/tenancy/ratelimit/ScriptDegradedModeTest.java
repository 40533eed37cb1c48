package dev.tenancy.ratelimit;

/**
 * The degraded-mode cases on the script engine, the default: the same stack as
 * {@link Bucket4jDegradedModeTest} with {@link RateLimitEngine#SCRIPT}.
 */
class ScriptDegradedModeTest extends Bucket4jDegradedModeTest {

	@Override
	RateLimitEngine engine() {
		return RateLimitEngine.SCRIPT;
	}

}
