package dev.tenancy.sample;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Context propagation when {@code spring.threads.virtual.enabled=true} makes the
 * application task executor start a virtual thread per task.
 */
@SpringBootTest(properties = "spring.threads.virtual.enabled=true")
class VirtualThreadAsyncContextTest extends AsyncContextPropagationTests {

	@Test
	void executorUsesVirtualThreads() throws Exception {
		assertThat(this.executor.submit(() -> Thread.currentThread().isVirtual()).get()).isTrue();
	}

}
