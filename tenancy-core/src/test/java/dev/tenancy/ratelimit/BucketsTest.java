package dev.tenancy.ratelimit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.bucket4j.Bandwidth;
import org.junit.jupiter.api.Test;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;

import static dev.tenancy.ratelimit.RateLimitTesting.decide;
import static dev.tenancy.ratelimit.RateLimitTesting.limit;
import static dev.tenancy.ratelimit.RateLimitTesting.request;
import static dev.tenancy.ratelimit.RateLimitTesting.tenant;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bucket configuration shared by the Redis and local limiters: interval refill, so a
 * window never admits more than the limit from a full bucket, and the next refill as
 * {@code t}.
 */
class BucketsTest {

	static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

	@Test
	void aPolicyRefillsItsWholeLimitAtTheEndOfEachWindow() {
		Bandwidth bandwidth = Buckets.configuration(new RateLimitPolicy("tenant", 1000, Duration.ofMinutes(1), 1500))
			.getBandwidths()[0];
		assertThat(bandwidth.getCapacity()).isEqualTo(1500);
		assertThat(bandwidth.isRefillIntervally()).isTrue();
		assertThat(bandwidth.getRefillTokens()).isEqualTo(1000);
		assertThat(bandwidth.getRefillPeriodNanos()).isEqualTo(MINUTE);
	}

	@Test
	void anInstancesShareDividesCapacityAndRefillKeepingTheWindow() {
		Bandwidth bandwidth = Buckets.configuration(new RateLimitPolicy("tenant", 1000, Duration.ofMinutes(1), 1500), 3)
			.getBandwidths()[0];
		assertThat(bandwidth.getCapacity()).isEqualTo(500);
		assertThat(bandwidth.getRefillTokens()).isEqualTo(333);
		assertThat(bandwidth.getRefillPeriodNanos()).isEqualTo(MINUTE);
		assertThat(
				Buckets.configuration(new RateLimitPolicy("tenant", 2, Duration.ofMinutes(1), 2), 5).getBandwidths()[0]
					.getRefillTokens())
			.as("at least one token")
			.isEqualTo(1);
	}

	@Test
	void theNextRefillIsTheTimeToFullModuloTheWindow() {
		assertThat(Buckets.nanosToNextRefill(0, MINUTE)).as("full").isZero();
		assertThat(Buckets.nanosToNextRefill(1, MINUTE)).isEqualTo(1);
		assertThat(Buckets.nanosToNextRefill(MINUTE, MINUTE)).isEqualTo(MINUTE);
		assertThat(Buckets.nanosToNextRefill(MINUTE + 7, MINUTE)).as("two refills to full").isEqualTo(7);
		assertThat(Buckets.nanosToNextRefill(3 * MINUTE, MINUTE)).isEqualTo(MINUTE);
		assertThat(Buckets.nanosToNextRefill(Long.MAX_VALUE, MINUTE)).isEqualTo(MINUTE);
	}

	@Test
	void nothingComesBackBeforeTheWindowIsOver() throws Exception {
		LocalRateLimiter limiter = new LocalRateLimiter(1);
		Tenant tenant = tenant(TenantId.of("interval"), 1, limit(3, Duration.ofMillis(1500)));
		long start = System.nanoTime();
		for (int i = 0; i < 3; i++) {
			assertThat(decide(limiter, request(tenant, null, null)).allowed()).isTrue();
		}
		Thread.sleep(500);
		RateLimitDecision early = decide(limiter, request(tenant, null, null));
		long elapsed = System.nanoTime() - start;
		assertThat(elapsed).as("still inside the window").isLessThan(TimeUnit.MILLISECONDS.toNanos(1400));
		assertThat(early.allowed()).as("a greedy refill would have added a token by now").isFalse();
		// The local bucket's clock counts whole milliseconds: allow 2 ms of rounding.
		assertThat(early.retryAfterNanos()).isBetween(TimeUnit.MILLISECONDS.toNanos(1500 - 2) - elapsed,
				TimeUnit.MILLISECONDS.toNanos(1500) - TimeUnit.MILLISECONDS.toNanos(400));
		Thread.sleep(TimeUnit.NANOSECONDS.toMillis(early.retryAfterNanos()) + 20);
		for (int i = 0; i < 3; i++) {
			assertThat(decide(limiter, request(tenant, null, null)).allowed()).as("all 3 back at once").isTrue();
		}
		assertThat(decide(limiter, request(tenant, null, null)).allowed()).isFalse();
	}

}
