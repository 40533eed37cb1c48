package dev.tenancy.test.isolation;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RepositoryProbeTest {

	final InMemoryNotes notes = new InMemoryNotes();

	RepositoryProbe<UUID> probe() {
		return RepositoryProbe.<UUID>named("notes")
			.create(() -> this.notes.create("secret plan"))
			.read(this.notes::find)
			.listIds(this.notes::ids)
			.update((id) -> this.notes.rename(id, "hijacked"))
			.delete(this.notes::delete);
	}

	@Test
	void anIsolatedRepositoryPassesAndTheReportNamesEachOperation() {
		IsolationReport report = IsolationProbe.between("acme", "globex").probe(probe()).run();

		assertThat(report.isolated()).as(report.toString()).isTrue();
		assertThat(report.probed()).containsExactly("notes");
		assertThat(report.findings()).extracting(IsolationReport.Finding::operation)
			.containsExactly("read", "list", "update", "update effect", "delete", "delete effect");
		assertThat(report.assertIsolated()).isSameAs(report);
		assertThat(report.toString()).contains("ok    notes read").contains("acme writes, globex");
	}

	@Test
	void aReadWithoutTheTenantConditionIsALeak() {
		this.notes.readIgnoresTenant = true;

		IsolationReport report = IsolationProbe.between("acme", "globex").probe(probe()).run();

		assertThat(report.leaks()).extracting(IsolationReport.Finding::operation).containsExactly("read");
		assertThat(report.leaks().get(0).detail()).contains("found").contains("secret plan");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(report::assertIsolated)
			.withMessageContaining("Tenant isolation broken between acme and globex")
			.withMessageContaining("LEAK  notes read");
	}

	@Test
	void aListWithoutTheTenantConditionIsALeak() {
		this.notes.listIgnoresTenant = true;

		IsolationReport report = IsolationProbe.between("acme", "globex").probe(probe()).run();

		assertThat(report.leaks()).extracting(IsolationReport.Finding::operation).containsExactly("list");
	}

	@Test
	void aDeleteThatAnswersNothingButDeletesIsCaughtByItsEffect() {
		this.notes.deleteIgnoresTenant = true;

		IsolationReport report = IsolationProbe.between("acme", "globex").probe(probe()).run();

		assertThat(report.leaks()).extracting(IsolationReport.Finding::operation).containsExactly("delete effect");
	}

	@Test
	void anAnswerThatDiffersFromAMissingIdRevealsThatTheIdExists() {
		this.notes.revealsOthersIds = true;

		IsolationReport report = IsolationProbe.between("acme", "globex").probe(probe()).run();

		assertThat(report.leaks()).extracting(IsolationReport.Finding::operation).containsExactly("read");
		assertThat(report.leaks().get(0).detail()).contains("SecurityException").contains("a missing id gave nothing");
	}

	@Test
	void aProbeThatCannotSeeItsOwnDataProvesNothingAndFails() {
		RepositoryProbe<UUID> blind = RepositoryProbe.<UUID>named("blind")
			.create(() -> this.notes.create("x"))
			.read((id) -> null);

		IsolationReport report = IsolationProbe.between("acme", "globex").probe(blind).run();

		assertThat(report.isolated()).isFalse();
		assertThat(report.leaks().get(0).operation()).isEqualTo("control");
	}

	@Test
	void aProbeThatThrowsIsReportedNotSwallowed() {
		RepositoryProbe<UUID> broken = RepositoryProbe.<UUID>named("broken").create(() -> {
			throw new IllegalStateException("database down");
		}).read(this.notes::find);

		IsolationReport report = IsolationProbe.between("acme", "globex").probe(broken).run();

		assertThat(report.leaks()).singleElement()
			.satisfies((leak) -> assertThat(leak.detail()).contains("database down"));
	}

	@Test
	void nothingProbedIsAFailureNotAPass() {
		IsolationReport report = IsolationProbe.between("acme", "globex").run();

		assertThat(report.isolated()).isFalse();
		assertThatExceptionOfType(AssertionError.class).isThrownBy(report::assertIsolated)
			.withMessageContaining("Nothing was probed");
	}

	@Test
	void ownerAndIntruderMustDifferAndBeTenantIds() {
		assertThatIllegalArgumentException().isThrownBy(() -> IsolationProbe.between("acme", "acme"));
		assertThatIllegalArgumentException().isThrownBy(() -> IsolationProbe.between("acme", "Globex!"));
	}

}
