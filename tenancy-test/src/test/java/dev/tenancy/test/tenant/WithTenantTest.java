package dev.tenancy.test.tenant;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.slf4j.MDC;

import dev.tenancy.TenantId;
import dev.tenancy.context.TenantContext;
import dev.tenancy.test.Launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class WithTenantTest {

	static final List<String> seen = new ArrayList<>();

	static String current() {
		return TenantContext.current().map(TenantId::value).orElse("none") + "/" + MDC.get(TenantContext.MDC_KEY);
	}

	@WithTenant("acme")
	static class Fixture {

		@BeforeEach
		void setUp() {
			seen.add("before " + current());
		}

		@Test
		void asTheClassTenant() {
			seen.add("class " + current());
		}

		@Test
		@WithTenant("globex")
		void asTheMethodTenant() {
			seen.add("method " + current());
		}

	}

	static class Unannotated {

		@Test
		void asNoTenant() {
			seen.add("none " + current());
		}

	}

	@Test
	void testsRunAsTheAnnotatedTenantAndTheThreadIsCleanAfterwards() {
		seen.clear();

		TestExecutionSummary summary = Launch.run(Fixture.class);

		assertThat(summary.getTestsSucceededCount()).as(Launch.failures(summary).toString()).isEqualTo(2);
		assertThat(seen).containsExactlyInAnyOrder("before acme/acme", "class acme/acme", "before globex/globex",
				"method globex/globex");
		assertThat(TenantContext.current()).isEmpty();
		assertThat(MDC.get(TenantContext.MDC_KEY)).isNull();
	}

	@Test
	void withoutTheAnnotationNothingIsSet() {
		seen.clear();

		Launch.run(Unannotated.class);

		assertThat(seen).containsExactly("none none/null");
	}

	@Test
	void aScopeRestoresThePreviousTenant() {
		try (TenantScope outer = TenantScope.enter("acme")) {
			try (TenantScope inner = TenantScope.enter("globex")) {
				assertThat(current()).isEqualTo("globex/globex");
			}
			assertThat(current()).isEqualTo("acme/acme");
			try (TenantScope none = TenantScope.none()) {
				assertThat(current()).isEqualTo("none/null");
			}
			assertThat(current()).isEqualTo("acme/acme");
		}
		assertThat(current()).isEqualTo("none/null");
	}

	@Test
	void aScopeMustBeClosedOnItsOwnThread() {
		TenantScope scope = TenantScope.enter("acme");
		try {
			CompletableFuture<Throwable> elsewhere = CompletableFuture.supplyAsync(() -> {
				try {
					scope.close();
					return null;
				}
				catch (IllegalStateException ex) {
					return ex;
				}
			});
			assertThat(elsewhere.join()).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("closed on the thread that opened it");
		}
		finally {
			scope.close();
		}
		assertThat(TenantContext.current()).isEmpty();
	}

	@Test
	void aScopeRefusesAnInvalidTenantId() {
		assertThatIllegalStateException().isThrownBy(() -> {
			try (TenantScope scope = TenantScope.enter("ACME")) {
				throw new IllegalStateException("entered");
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException("refused: " + ex.getMessage());
			}
		}).withMessageStartingWith("refused");
		assertThat(TenantContext.current()).isEmpty();
	}

}
