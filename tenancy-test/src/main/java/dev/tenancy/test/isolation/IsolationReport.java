package dev.tenancy.test.isolation;

import java.util.List;

/**
 * What an {@link IsolationProbe} probed and found: one finding per probe and operation.
 *
 * @param owner the tenant that wrote
 * @param intruder the tenant that tried to reach it
 * @param findings the findings, in the order they were made
 */
public record IsolationReport(String owner, String intruder, List<Finding> findings) {

	public IsolationReport {
		findings = List.copyOf(findings);
	}

	/**
	 * Whether every operation of every probe was isolated.
	 * @return {@code true} when nothing leaked
	 */
	public boolean isolated() {
		return !findings.isEmpty() && findings.stream().allMatch(Finding::isolated);
	}

	/**
	 * The findings that leaked.
	 * @return the failures
	 */
	public List<Finding> leaks() {
		return this.findings.stream().filter((finding) -> !finding.isolated()).toList();
	}

	/**
	 * The names of the probes that ran.
	 * @return probe names, each once
	 */
	public List<String> probed() {
		return this.findings.stream().map(Finding::probe).distinct().toList();
	}

	/**
	 * Fail unless everything was isolated.
	 * @return this report
	 * @throws AssertionError naming every leak, followed by the whole report
	 */
	public IsolationReport assertIsolated() {
		if (this.findings.isEmpty()) {
			throw new AssertionError("Nothing was probed: add an endpoint, repository, cache or listener probe");
		}
		if (!isolated()) {
			StringBuilder message = new StringBuilder("Tenant isolation broken between " + this.owner + " and "
					+ this.intruder + " (" + leaks().size() + " of " + this.findings.size() + " checks):\n");
			leaks().forEach((leak) -> message.append("  ").append(leak).append('\n'));
			message.append(this);
			throw new AssertionError(message.toString());
		}
		return this;
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder(
				"Isolation report, " + this.owner + " writes, " + this.intruder + " tries to reach it:\n");
		this.findings.forEach((finding) -> text.append("  ").append(finding).append('\n'));
		return text.toString();
	}

	/**
	 * One operation of one probe.
	 *
	 * @param probe the probe's name
	 * @param operation the operation
	 * @param isolated whether it stayed within its tenant
	 * @param detail what was seen
	 */
	public record Finding(String probe, String operation, boolean isolated, String detail) {

		@Override
		public String toString() {
			return (this.isolated ? "ok    " : "LEAK  ") + this.probe + " " + this.operation + ": " + this.detail;
		}

	}

}
