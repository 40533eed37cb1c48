package dev.tenancy.test.isolation;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tenancy.TenantId;
import dev.tenancy.context.TenantContext;

import static org.assertj.core.api.Assertions.assertThat;

class CacheAndListenerProbeTest {

	record Profile(String tenant, String theme) {
	}

	final ExecutorService listenerThread = Executors.newSingleThreadExecutor();

	@AfterEach
	void stop() {
		this.listenerThread.shutdownNow();
	}

	static Profile load() {
		return new Profile(TenantContext.require().value(), "blue");
	}

	@Test
	void aCacheKeyedByTenantKeepsValuesApart() {
		Map<String, Profile> cache = new ConcurrentHashMap<>();
		CacheProbe probe = CacheProbe.named("profiles")
			.call(() -> cache.computeIfAbsent(TenantContext.require().value() + ":settings", (key) -> load()))
			.<Profile>ownedBy(Profile::tenant);

		IsolationReport report = IsolationProbe.between("acme", "globex").probe(probe).run();

		assertThat(report.isolated()).as(report.toString()).isTrue();
		assertThat(report.findings()).hasSize(4);
	}

	@Test
	void aCacheKeyedWithoutTheTenantHandsTheOwnersValueToTheIntruder() {
		Map<String, Profile> cache = new ConcurrentHashMap<>();
		CacheProbe probe = CacheProbe.named("profiles")
			.call(() -> cache.computeIfAbsent("settings", (key) -> load()))
			.<Profile>ownedBy(Profile::tenant);

		IsolationReport report = IsolationProbe.between("acme", "globex").probe(probe).run();

		assertThat(report.leaks()).singleElement().satisfies((leak) -> {
			assertThat(leak.operation()).isEqualTo("call as globex");
			assertThat(leak.detail()).contains("got acme's value");
		});
	}

	@Test
	void aListenerThatRunsAsTheSendersTenantPasses() {
		TenantRecorder recorder = new TenantRecorder();
		ListenerProbe probe = ListenerProbe.named("notes listener").send(() -> {
			// what a tenant-aware message template and listener container do: the tenant
			// travels with the message and the handler runs in it
			TenantId sender = TenantContext.require();
			this.listenerThread.execute(() -> TenantContext.run(sender, recorder::record));
		}).recordedBy(recorder);

		IsolationReport report = IsolationProbe.between("acme", "globex").probe(probe).run();

		assertThat(report.isolated()).as(report.toString()).isTrue();
		assertThat(report.findings()).extracting(IsolationReport.Finding::operation)
			.containsExactly("message sent as acme", "message sent as globex");
	}

	@Test
	void aListenerThatLosesTheTenantFails() {
		TenantRecorder recorder = new TenantRecorder();
		ListenerProbe probe = ListenerProbe.named("notes listener")
			.send(() -> this.listenerThread.execute(recorder::record))
			.recordedBy(recorder);

		IsolationReport report = IsolationProbe.between("acme", "globex").probe(probe).run();

		assertThat(report.leaks()).hasSize(2)
			.allSatisfy((leak) -> assertThat(leak.detail()).contains(TenantRecorder.NONE));
	}

	@Test
	void aListenerThatRunsAsAFixedTenantFailsForTheOther() {
		TenantRecorder recorder = new TenantRecorder();
		ListenerProbe probe = ListenerProbe.named("notes listener")
			.send(() -> this.listenerThread.execute(() -> TenantContext.run(TenantId.of("acme"), recorder::record)))
			.recordedBy(recorder);

		IsolationReport report = IsolationProbe.between("acme", "globex").probe(probe).run();

		assertThat(report.leaks()).singleElement()
			.satisfies((leak) -> assertThat(leak.operation()).isEqualTo("message sent as globex"));
	}

	@Test
	void aListenerThatNeverRunsProvesNothingAndFails() {
		TenantRecorder recorder = new TenantRecorder();
		ListenerProbe probe = ListenerProbe.named("silent listener").send(() -> {
		}).recordedBy(recorder).waitingAtMost(Duration.ofMillis(50));

		IsolationReport report = IsolationProbe.between("acme", "globex").probe(probe).run();

		assertThat(report.leaks()).hasSize(2).allSatisfy((leak) -> assertThat(leak.detail()).contains("did not run"));
	}

}
