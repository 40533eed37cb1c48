package dev.tenancy.test.hygiene;

import java.util.List;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

import org.springframework.scheduling.annotation.Scheduled;

import dev.tenancy.TenantId;
import dev.tenancy.context.TenantContext;
import dev.tenancy.context.TenantThreadLocalAccessor;

import static org.assertj.core.api.Assertions.assertThat;

class TenancyArchRulesTest {

	static class NoteRepository {

		List<String> findAll() {
			return List.of();
		}

	}

	static class OwnTenantHolder {

		static final ThreadLocal<TenantId> HOLDER = new ThreadLocal<>();

		static final ThreadLocal<String> currentTenant = new ThreadLocal<>();

		static final ThreadLocal<StringBuilder> buffer = new ThreadLocal<>();

	}

	static class HandMadeScope {

		void enter() {
			new TenantThreadLocalAccessor().setValue(TenantId.of("acme"));
		}

	}

	static class Jobs {

		final NoteRepository notes = new NoteRepository();

		@Scheduled(fixedDelay = 1000)
		void unscoped() {
			this.notes.findAll();
		}

		@Scheduled(fixedDelay = 1000)
		void scoped() {
			TenantContext.run(TenantId.of("acme"), this.notes::findAll);
		}

		void notAJob() {
			this.notes.findAll();
		}

	}

	static class Clean {

		final NoteRepository notes = new NoteRepository();

		String tenant() {
			return TenantContext.require().value();
		}

	}

	static List<String> violations(com.tngtech.archunit.lang.ArchRule rule, Class<?>... classes) {
		JavaClasses imported = new ClassFileImporter().importClasses(classes);
		EvaluationResult result = rule.evaluate(imported);
		return result.getFailureReport().getDetails();
	}

	@Test
	void threadLocalsForTenantDataAreFoundByNameAndByType() {
		assertThat(violations(TenancyArchRules.noThreadLocalForTenantData(), OwnTenantHolder.class)).hasSize(2)
			.anySatisfy((violation) -> assertThat(violation).contains("OwnTenantHolder.HOLDER"))
			.anySatisfy((violation) -> assertThat(violation).contains("OwnTenantHolder.currentTenant"));
	}

	@Test
	void settingTheTenantByHandIsFound() {
		assertThat(violations(TenancyArchRules.noTenantSetOutsideAScope(), HandMadeScope.class)).singleElement()
			.satisfies((violation) -> assertThat(violation).contains("HandMadeScope.enter"));
	}

	@Test
	void aJobThatCallsARepositoryOutsideATenantScopeIsFound() {
		assertThat(violations(TenancyArchRules.backgroundWorkEntersATenantScope(), Jobs.class, NoteRepository.class))
			.singleElement()
			.satisfies((violation) -> assertThat(violation).contains("Jobs.unscoped()"));
	}

	@Test
	void cleanCodePassesEveryRule() {
		assertThat(violations(TenancyArchRules.all(), Clean.class, NoteRepository.class)).isEmpty();
		assertThat(violations(TenancyArchRules.all(), OwnTenantHolder.class, HandMadeScope.class, Jobs.class))
			.hasSize(4);
	}

}
