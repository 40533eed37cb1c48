package dev.tenancy.ratelimit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The timeouts of {@link FallbackRateLimiter}: an action never runs before its delay, and
 * always runs after it, also after the sweeper went idle and with several delays mixed.
 */
class DeadlinesTest {

	@Test
	void runsEachActionAfterItsDelayNeverBefore() throws InterruptedException {
		long delay = TimeUnit.MILLISECONDS.toNanos(40);
		List<Long> lateness = new CopyOnWriteArrayList<>();
		CountDownLatch ran = new CountDownLatch(200);
		for (int i = 0; i < 200; i++) {
			long scheduled = System.nanoTime();
			Deadlines.after(delay, () -> {
				lateness.add(System.nanoTime() - scheduled - delay);
				ran.countDown();
			});
		}
		assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(lateness).hasSize(200).allSatisfy((late) -> assertThat(late).isNotNegative());
	}

	@Test
	void wakesUpForANewActionAfterBeingIdle() throws InterruptedException {
		CountDownLatch first = new CountDownLatch(1);
		Deadlines.after(TimeUnit.MILLISECONDS.toNanos(1), first::countDown);
		assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
		// the queues are empty now and the sweeper parks until woken
		Thread.sleep(50);
		CountDownLatch second = new CountDownLatch(1);
		Deadlines.after(TimeUnit.MILLISECONDS.toNanos(1), second::countDown);
		assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void aShortDelayIsNotHeldUpByALongerOneScheduledBefore() throws InterruptedException {
		CountDownLatch longOne = new CountDownLatch(1);
		Deadlines.after(TimeUnit.SECONDS.toNanos(30), longOne::countDown);
		CountDownLatch shortOne = new CountDownLatch(1);
		Deadlines.after(TimeUnit.MILLISECONDS.toNanos(5), shortOne::countDown);
		assertThat(shortOne.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(longOne.getCount()).isOne();
	}

	@Test
	void aFailingActionDoesNotStopTheOthers() throws InterruptedException {
		Deadlines.after(TimeUnit.MILLISECONDS.toNanos(2), () -> {
			throw new IllegalStateException("boom");
		});
		CountDownLatch after = new CountDownLatch(1);
		Deadlines.after(TimeUnit.MILLISECONDS.toNanos(3), after::countDown);
		assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
	}

}
