package dev.tenancy.context;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import dev.tenancy.TenantId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantContextTest {

	private static final TenantId ACME = TenantId.of("acme");

	private static final TenantId GLOBEX = TenantId.of("globex");

	@AfterEach
	void clean() {
		assertThat(TenantContext.current()).as("a test left a tenant behind").isEmpty();
		MDC.clear();
	}

	@Test
	void emptyOutsideAnyScope() {
		assertThat(TenantContext.current()).isEmpty();
		assertThatIllegalStateException().isThrownBy(TenantContext::require);
		assertThat(MDC.get(TenantContext.MDC_KEY)).isNull();
	}

	@Test
	void runSetsAndRestores() {
		AtomicReference<String> mdc = new AtomicReference<>();
		TenantContext.run(ACME, () -> {
			assertThat(TenantContext.require()).isEqualTo(ACME);
			mdc.set(MDC.get("tenant_id"));
		});
		assertThat(mdc.get()).isEqualTo("acme");
		assertThat(TenantContext.current()).isEmpty();
		assertThat(MDC.get("tenant_id")).isNull();
	}

	@Test
	void nestedScopesRestoreTheOuterTenant() throws Exception {
		TenantContext.run(ACME, () -> {
			String inner = TenantContext.supply(GLOBEX, () -> TenantContext.require().value() + MDC.get("tenant_id"));
			assertThat(inner).isEqualTo("globexglobex");
			assertThat(TenantContext.current()).contains(ACME);
			assertThat(MDC.get("tenant_id")).isEqualTo("acme");
			TenantContext.run(null, () -> {
				assertThat(TenantContext.current()).isEmpty();
				assertThat(MDC.get("tenant_id")).isNull();
			});
			assertThat(TenantContext.current()).contains(ACME);
			assertThat(MDC.get("tenant_id")).isEqualTo("acme");
		});
		assertThat(TenantContext.call(GLOBEX, () -> TenantContext.require())).isEqualTo(GLOBEX);
	}

	@Test
	void restoresWhenTheWorkThrows() {
		assertThatThrownBy(() -> TenantContext.run(ACME, () -> {
			throw new IllegalStateException("boom");
		})).hasMessage("boom");
		assertThat(TenantContext.current()).isEmpty();
		assertThat(MDC.get("tenant_id")).isNull();
		assertThatThrownBy(() -> TenantContext.call(ACME, () -> {
			throw new java.io.IOException("checked");
		})).isInstanceOf(java.io.IOException.class);
		assertThat(TenantContext.current()).isEmpty();
		TenantContext.run(GLOBEX, () -> {
			assertThatThrownBy(() -> TenantContext.supply(ACME, () -> {
				throw new IllegalArgumentException("inner");
			})).hasMessage("inner");
			assertThat(TenantContext.current()).contains(GLOBEX);
			assertThat(MDC.get("tenant_id")).isEqualTo("globex");
		});
	}

	@Test
	void accessorReadsAndRestoresTheContext() {
		TenantThreadLocalAccessor accessor = new TenantThreadLocalAccessor();
		assertThat(accessor.key()).isEqualTo(TenantThreadLocalAccessor.KEY);
		assertThat(accessor.getValue()).isNull();
		TenantContext.run(ACME, () -> {
			assertThat(accessor.getValue()).isEqualTo(ACME);
			accessor.setValue(GLOBEX);
			assertThat(TenantContext.current()).contains(GLOBEX);
			assertThat(MDC.get("tenant_id")).isEqualTo("globex");
			accessor.restore(ACME);
			assertThat(TenantContext.current()).contains(ACME);
			accessor.setValue();
			assertThat(TenantContext.current()).isEmpty();
			assertThat(MDC.get("tenant_id")).isNull();
			accessor.restore(ACME);
		});
	}

	@Test
	void accessorIsRegisteredForContextPropagation() {
		assertThat(io.micrometer.context.ContextRegistry.getInstance().getThreadLocalAccessors())
			.anySatisfy((accessor) -> assertThat(accessor).isInstanceOf(TenantThreadLocalAccessor.class));
	}

}
