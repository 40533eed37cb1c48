package dev.tenancy.test.isolation;

/**
 * One thing an {@link IsolationProbe} checks: it acts as the owner tenant, then as the
 * intruder, and records what it saw in the findings. The kit's probes are
 * {@link EndpointProbe}, {@link RepositoryProbe}, {@link CacheProbe} and
 * {@link ListenerProbe}; implement this for anything else that keeps tenant data.
 */
public interface Probe {

	/**
	 * What is probed, as the report names it.
	 * @return a short name
	 */
	String name();

	/**
	 * Probe: write as {@code owner}, then try to reach it as {@code intruder}.
	 * @param owner the tenant that writes
	 * @param intruder the tenant that must not see it
	 * @param findings where to record each operation's outcome
	 */
	void probe(String owner, String intruder, Findings findings);

	/**
	 * Collects what one probe saw.
	 */
	interface Findings {

		/**
		 * The intruder could not tell the owner's data from data that does not exist.
		 * @param operation the operation, such as {@code read}
		 * @param detail what was seen
		 */
		void isolated(String operation, String detail);

		/**
		 * Data crossed tenants, or the probe could not prove anything.
		 * @param operation the operation
		 * @param detail what was seen
		 */
		void leaked(String operation, String detail);

	}

}
