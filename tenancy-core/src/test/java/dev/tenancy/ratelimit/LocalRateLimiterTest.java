package dev.tenancy.ratelimit;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;

import static dev.tenancy.ratelimit.RateLimitTesting.decide;
import static dev.tenancy.ratelimit.RateLimitTesting.limit;
import static dev.tenancy.ratelimit.RateLimitTesting.request;
import static dev.tenancy.ratelimit.RateLimitTesting.tenant;
import static org.assertj.core.api.Assertions.assertThat;

class LocalRateLimiterTest {

	static final Duration HOUR = Duration.ofHours(1);

	@Test
	void limitsAtTheInstancesShare() {
		LocalRateLimiter limiter = new LocalRateLimiter(4);
		Tenant tenant = tenant(TenantId.of("acme"), 1, limit(100, HOUR));
		assertThat(admitted(limiter, tenant, null, 100)).isEqualTo(25);
	}

	@Test
	void severalLimitsSpendNothingOnRejection() {
		LocalRateLimiter limiter = new LocalRateLimiter(1);
		Tenant tenant = tenant(TenantId.of("acme"), 1, limit(5, HOUR, 2, null));
		assertThat(admitted(limiter, tenant, "alice", 10)).isEqualTo(2);
		assertThat(admitted(limiter, tenant, "bob", 10)).as("alice's rejections cost the tenant nothing").isEqualTo(2);
		assertThat(admitted(limiter, tenant, "carol", 1)).isEqualTo(1);
		RateLimitDecision dave = decide(limiter, request(tenant, "dave", null));
		assertThat(dave.allowed()).as("tenant exhausted").isFalse();
		assertThat(dave.rejectedBy()).isEqualTo("tenant");
		assertThat(dave.statuses().get(1).remaining()).isEqualTo(2);
	}

	@Test
	void aPlanChangeAppliesFromTheNextRequest() {
		LocalRateLimiter limiter = new LocalRateLimiter(1);
		TenantId id = TenantId.of("acme");
		assertThat(admitted(limiter, tenant(id, 1, limit(10, HOUR)), null, 20)).isEqualTo(10);
		assertThat(admitted(limiter, tenant(id, 2, limit(20, HOUR)), null, 20)).isEqualTo(10);
		assertThat(admitted(limiter, tenant(id, 1, limit(10, HOUR)), null, 20)).as("old versions change nothing")
			.isZero();
	}

	@Test
	void aSmallPlanStillAdmitsOneRequestPerInstance() {
		LocalRateLimiter limiter = new LocalRateLimiter(10);
		assertThat(admitted(limiter, tenant(TenantId.of("tiny"), 1, limit(3, HOUR)), null, 5)).isEqualTo(1);
	}

	@Test
	void aBucketRedisReportedEmptyStaysEmptyUntilRedisWouldRefillIt() {
		LocalRateLimiter limiter = new LocalRateLimiter(1);
		Tenant tenant = tenant(TenantId.of("acme"), 1, limit(40, HOUR));
		RateLimitRequest request = request(tenant, null, null);
		limiter.observe(request, reported(request, 0, Duration.ofMinutes(30)));
		assertThat(limiter.rejectionFromReport(request)).hasValueSatisfying((rejected) -> {
			assertThat(rejected.allowed()).isFalse();
			assertThat(rejected.rejectedBy()).isEqualTo("tenant");
			assertThat(rejected.retryAfterNanos()).isBetween(Duration.ofMinutes(29).toNanos(),
					Duration.ofMinutes(30).toNanos());
		});
		assertThat(admitted(limiter, tenant, null, 10)).as("not a fresh bucket of 40").isZero();
		RateLimitDecision decision = decide(limiter, request);
		assertThat(decision.retryAfterSeconds()).isBetween(29 * 60L, 30 * 60L);
	}

	@Test
	void aReportedBucketIsSharedByTheExpectedInstances() {
		LocalRateLimiter limiter = new LocalRateLimiter(2);
		Tenant tenant = tenant(TenantId.of("acme"), 1, limit(40, HOUR, 10, null));
		RateLimitRequest request = request(tenant, "alice", null);
		limiter.observe(request, reported(request, 11, Duration.ofMinutes(10)));
		assertThat(limiter.rejectionFromReport(request)).isEmpty();
		// 11 left of the tenant (and of alice) per Redis: 5 for this instance
		assertThat(admitted(limiter, tenant, "alice", 20)).isEqualTo(5);
	}

	@Test
	void aReportOfAnotherPlanVersionIsIgnored() {
		LocalRateLimiter limiter = new LocalRateLimiter(1);
		TenantId id = TenantId.of("acme");
		RateLimitRequest old = request(tenant(id, 1, limit(10, HOUR)), null, null);
		limiter.observe(old, reported(old, 0, Duration.ofMinutes(30)));
		Tenant upgraded = tenant(id, 2, limit(20, HOUR));
		assertThat(limiter.rejectionFromReport(request(upgraded, null, null))).isEmpty();
		assertThat(admitted(limiter, upgraded, null, 30)).isEqualTo(20);
	}

	@Test
	void aLateReportDuringAnOutageDoesNotHandTheShareOutAgain() {
		LocalRateLimiter limiter = new LocalRateLimiter(1);
		limiter.spend();
		Tenant tenant = tenant(TenantId.of("acme"), 1, limit(40, HOUR));
		RateLimitRequest request = request(tenant, null, null);
		limiter.observe(request, reported(request, 10, Duration.ofMinutes(30)));
		assertThat(admitted(limiter, tenant, null, 6)).isEqualTo(6);
		// an answer that was on its way: it does not know the 6 spent here
		limiter.observe(request, reported(request, 9, Duration.ofMinutes(30)));
		assertThat(admitted(limiter, tenant, null, 10)).isEqualTo(4);
		assertThat(limiter.spend().pending(tenant.id())).isEqualTo(10);
	}

	private static RateLimitDecision reported(RateLimitRequest request, long remaining, Duration reset) {
		List<RateLimitDecision.PolicyStatus> statuses = request.policies()
			.stream()
			.map((policy) -> new RateLimitDecision.PolicyStatus(policy.name(), remaining, reset.toNanos()))
			.toList();
		return new RateLimitDecision(remaining > 0, RateLimitDecision.Source.REDIS, request.policies(), statuses,
				(remaining > 0) ? null : "tenant", (remaining > 0) ? 0 : reset.toNanos());
	}

	private static int admitted(RateLimiter limiter, Tenant tenant, String user, int requests) {
		int admitted = 0;
		for (int i = 0; i < requests; i++) {
			admitted += decide(limiter, request(tenant, user, null)).allowed() ? 1 : 0;
		}
		return admitted;
	}

}
