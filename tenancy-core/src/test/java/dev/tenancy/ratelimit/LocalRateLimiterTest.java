package dev.tenancy.ratelimit;

import java.time.Duration;

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

	private static int admitted(RateLimiter limiter, Tenant tenant, String user, int requests) {
		int admitted = 0;
		for (int i = 0; i < requests; i++) {
			admitted += decide(limiter, request(tenant, user, null)).allowed() ? 1 : 0;
		}
		return admitted;
	}

}
