package dev.tenancy.ratelimit;

/**
 * What a limiter does for a tenant while its shared store (Redis) cannot decide.
 */
public enum FailureMode {

	/** Limit in this process at its share of the plan (the default). */
	LOCAL,

	/** Admit every request (availability over protection). */
	OPEN,

	/** Reject every request (protection over availability, such as login endpoints). */
	CLOSED

}
