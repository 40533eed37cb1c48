package dev.tenancy.sample;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Context propagation on the default (platform thread pool) application task executor.
 */
@LocalAppTest
class PlatformThreadAsyncContextTest extends AsyncContextPropagationTests {

	@Test
	void executorUsesPooledPlatformThreads() throws Exception {
		assertThat(this.executor.submit(() -> Thread.currentThread().isVirtual()).get()).isFalse();
	}

}
