package dev.tenancy.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.tenancy.ratelimit.CircuitBreaker.State;

import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakerTest {

	final AtomicLong now = new AtomicLong(1_000_000_000L);

	final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(2), this.now::get);

	@Test
	void opensAfterConsecutiveFailuresOnly() {
		this.breaker.onFailure();
		this.breaker.onFailure();
		this.breaker.onSuccess();
		this.breaker.onFailure();
		this.breaker.onFailure();
		assertThat(this.breaker.state()).isEqualTo(State.CLOSED);
		assertThat(this.breaker.onFailure()).isTrue();
		assertThat(this.breaker.state()).isEqualTo(State.OPEN);
		assertThat(this.breaker.tryAcquire()).isFalse();
		assertThat(this.breaker.remainingOpenNanos()).isEqualTo(Duration.ofSeconds(2).toNanos());
	}

	@Test
	void letsOneProbeThroughAfterTheOpenDurationAndClosesWhenItSucceeds() {
		open();
		this.now.addAndGet(Duration.ofMillis(1999).toNanos());
		assertThat(this.breaker.tryAcquire()).isFalse();
		this.now.addAndGet(Duration.ofMillis(1).toNanos());
		assertThat(this.breaker.tryAcquire()).as("the probe").isTrue();
		assertThat(this.breaker.state()).isEqualTo(State.HALF_OPEN);
		assertThat(this.breaker.tryAcquire()).as("only one probe").isFalse();
		assertThat(this.breaker.onSuccess()).isTrue();
		assertThat(this.breaker.state()).isEqualTo(State.CLOSED);
		assertThat(this.breaker.tryAcquire()).isTrue();
	}

	@Test
	void aFailedProbeOpensItAgainForAnotherPeriod() {
		open();
		this.now.addAndGet(Duration.ofSeconds(2).toNanos());
		assertThat(this.breaker.tryAcquire()).isTrue();
		assertThat(this.breaker.onFailure()).isTrue();
		assertThat(this.breaker.state()).isEqualTo(State.OPEN);
		assertThat(this.breaker.tryAcquire()).isFalse();
		this.now.addAndGet(Duration.ofSeconds(2).toNanos());
		assertThat(this.breaker.tryAcquire()).isTrue();
	}

	@Test
	void lateAnswersOfCallsMadeBeforeOpeningDoNotCloseIt() {
		open();
		assertThat(this.breaker.onSuccess()).isFalse();
		assertThat(this.breaker.onFailure()).isFalse();
		assertThat(this.breaker.state()).isEqualTo(State.OPEN);
	}

	private void open() {
		for (int i = 0; i < 3; i++) {
			this.breaker.onFailure();
		}
		assertThat(this.breaker.state()).isEqualTo(State.OPEN);
	}

}
