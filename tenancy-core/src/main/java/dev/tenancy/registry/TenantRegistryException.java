package dev.tenancy.registry;

/**
 * A registry write was refused. Each subtype maps to one HTTP answer in the admin API.
 */
public abstract class TenantRegistryException extends RuntimeException {

	protected TenantRegistryException(String message) {
		super(message, null, false, false);
	}

	/** The tenant does not exist (or is deleted). */
	public static final class NotFound extends TenantRegistryException {

		public NotFound(String id) {
			super("Tenant '" + id + "' does not exist");
		}

	}

	/** A tenant with this id already exists (deleted tenants keep their id). */
	public static final class AlreadyExists extends TenantRegistryException {

		public AlreadyExists(String id) {
			super("Tenant '" + id + "' already exists");
		}

	}

	/** The expected version is not the current one: someone else changed the tenant. */
	public static final class StaleVersion extends TenantRegistryException {

		private final long currentVersion;

		public StaleVersion(String id, long currentVersion) {
			super("Tenant '" + id + "' has changed; its current version is " + currentVersion);
			this.currentVersion = currentVersion;
		}

		/**
		 * @return the version now stored
		 */
		public long currentVersion() {
			return this.currentVersion;
		}

	}

	/** The requested status change is not a valid transition. */
	public static final class InvalidTransition extends TenantRegistryException {

		public InvalidTransition(String id, String from, String to) {
			super("Tenant '" + id + "' cannot go from " + from + " to " + to);
		}

	}

	/**
	 * An e-mail domain the write claims already belongs to another tenant: two tenants
	 * can never share one domain.
	 */
	public static final class EmailDomainTaken extends TenantRegistryException {

		private final String domain;

		private final String owner;

		public EmailDomainTaken(String domain, String owner) {
			super("E-mail domain '" + domain + "' already belongs to tenant '" + owner + "'");
			this.domain = domain;
			this.owner = owner;
		}

		/**
		 * @return the domain claimed twice
		 */
		public String domain() {
			return this.domain;
		}

		/**
		 * @return the id of the tenant that holds the domain
		 */
		public String owner() {
			return this.owner;
		}

	}

}
