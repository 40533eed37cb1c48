package dev.tenancy.admin;

/**
 * The admin guard's answer for one request.
 */
public enum AdminDecision {

	/** The caller is an administrator. */
	ALLOWED,

	/** No admin credential is configured: the admin API stays closed (503). */
	NOT_CONFIGURED,

	/** No admin credential was sent (401). */
	UNAUTHENTICATED,

	/** A credential was sent but it is not an admin one (403). */
	FORBIDDEN

}
