package dev.tenancy.registry.jdbc;

import java.util.List;

import dev.tenancy.registry.StoredText;

/**
 * What an import found and did, file by file.
 *
 * @param entries one entry per file, in file-name order
 * @param dryRun whether this was a dry run
 * @param written whether anything was written (never for a dry run or when a file is
 * invalid)
 */
public record TenantImportReport(List<Entry> entries, boolean dryRun, boolean written) {

	/**
	 * How one file compares with the registry.
	 */
	public enum Outcome {

		/** No such tenant yet. */
		NEW,

		/** The tenant exists and differs. */
		CHANGED,

		/** The tenant exists and is the same. */
		UNCHANGED,

		/** The file was rejected. */
		INVALID

	}

	/**
	 * One file's outcome.
	 *
	 * @param file the file name
	 * @param tenant the tenant id, or {@code null} when unknown
	 * @param outcome the outcome
	 * @param details the differences ({@code CHANGED}) or the reason ({@code INVALID})
	 */
	public record Entry(String file, String tenant, Outcome outcome, List<String> details) {

		public Entry {
			details = List.copyOf(details);
		}

	}

	/**
	 * @return whether any file was invalid
	 */
	public boolean hasInvalid() {
		return count(Outcome.INVALID) > 0;
	}

	/**
	 * Count the files with an outcome.
	 * @param outcome the outcome
	 * @return how many
	 */
	public long count(Outcome outcome) {
		return this.entries.stream().filter((entry) -> entry.outcome() == outcome).count();
	}

	/**
	 * A human-readable report, one line per file plus the differences.
	 * @return the text
	 */
	public String describe() {
		StringBuilder text = new StringBuilder();
		// File names and old values come from outside: escaped, no control sequence in
		// them
		// reaches the terminal that shows the report.
		for (Entry entry : this.entries) {
			text.append(String.format("%-9s %s%n", entry.outcome(), StoredText.escape(entry.file())));
			for (String detail : entry.details()) {
				text.append("          ").append(StoredText.escape(detail)).append(System.lineSeparator());
			}
		}
		text.append(String.format("%d new, %d changed, %d unchanged, %d invalid; %s%n", count(Outcome.NEW),
				count(Outcome.CHANGED), count(Outcome.UNCHANGED), count(Outcome.INVALID),
				this.written ? "written" : (this.dryRun ? "dry run, nothing written"
						: (hasInvalid() ? "nothing written because of invalid files" : "nothing to write"))));
		return text.toString();
	}

}
