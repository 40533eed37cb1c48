package dev.tenancy.test.isolation;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.TenantId;
import dev.tenancy.test.isolation.IsolationReport.Finding;

/**
 * Proves that tenants cannot reach each other's data: every probe writes as one tenant
 * (the owner) and then reads, lists, searches, updates and deletes as another (the
 * intruder), and passes only when the intruder gets exactly what it would get for data
 * that does not exist. <pre>
 * IsolationProbe.between("acme", "globex")
 *     .probe(EndpointProbe.at("/api/trips", HttpTransport.mockMvc(mvc)).create(tripJson))
 *     .probe(RepositoryProbe.&lt;UUID&gt;named("trips").create(...).read(trips::findById))
 *     .run()
 *     .assertIsolated();
 * </pre> A probe that throws is a leak too (it could not prove isolation), named in the
 * report with the exception.
 */
public final class IsolationProbe {

	private static final Logger logger = LoggerFactory.getLogger(IsolationProbe.class);

	private final String owner;

	private final String intruder;

	private final List<Probe> probes = new ArrayList<>();

	private IsolationProbe(String owner, String intruder) {
		this.owner = TenantId.of(owner).value();
		this.intruder = TenantId.of(intruder).value();
		if (this.owner.equals(this.intruder)) {
			throw new IllegalArgumentException("Owner and intruder must be two tenants, not " + owner + " twice");
		}
	}

	/**
	 * Probe between two tenants.
	 * @param owner the tenant that writes
	 * @param intruder the tenant that must not reach the owner's data
	 * @return the probe, to add probes to
	 */
	public static IsolationProbe between(String owner, String intruder) {
		return new IsolationProbe(owner, intruder);
	}

	/**
	 * Add a probe.
	 * @param probe the probe
	 * @return this
	 */
	public IsolationProbe probe(Probe probe) {
		this.probes.add(probe);
		return this;
	}

	/**
	 * Run every probe, in the order added.
	 * @return the report (which does not throw; call
	 * {@link IsolationReport#assertIsolated()})
	 */
	public IsolationReport run() {
		List<Finding> findings = new ArrayList<>();
		for (Probe probe : this.probes) {
			Probe.Findings sink = new Probe.Findings() {

				@Override
				public void isolated(String operation, String detail) {
					findings.add(new Finding(probe.name(), operation, true, detail));
				}

				@Override
				public void leaked(String operation, String detail) {
					findings.add(new Finding(probe.name(), operation, false, detail));
				}

			};
			try {
				probe.probe(this.owner, this.intruder, sink);
			}
			catch (RuntimeException | AssertionError ex) {
				logger.debug("Probe {} failed", probe.name(), ex);
				sink.leaked("probe", "could not run: " + ex);
			}
		}
		IsolationReport report = new IsolationReport(this.owner, this.intruder, findings);
		logger.info("{}", report);
		return report;
	}

}
