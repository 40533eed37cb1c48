package dev.tenancy.ratelimit;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tenancy.Tenant;
import dev.tenancy.TenantId;

import static dev.tenancy.ratelimit.RateLimitTesting.limit;
import static dev.tenancy.ratelimit.RateLimitTesting.request;
import static dev.tenancy.ratelimit.RateLimitTesting.tenant;
import static org.assertj.core.api.Assertions.assertThat;

class LocalSpendTest {

	static final Tenant ACME = tenant(TenantId.of("acme"), 1, limit(100, Duration.ofHours(1), 10, null));

	@Test
	void aFailedChargeGoesBackAndASucceededOneIsGone() {
		LocalSpend spend = new LocalSpend(10);
		spend.record(request(ACME, "alice", null), 3);
		spend.record(request(ACME, "alice", null), 2);
		spend.record(request(ACME, null, null), 1);
		List<LocalSpend.Charge> charges = spend.drain();
		assertThat(charges).extracting(LocalSpend.Charge::tokens).containsExactlyInAnyOrder(5L, 1L);
		assertThat(spend.hasUncharged()).isFalse();
		assertThat(spend.pending(ACME.id())).as("in flight is still pending").isEqualTo(6);
		assertThat(spend.drain()).as("nothing sent twice while in flight").isEmpty();
		spend.record(request(ACME, "alice", null), 4);
		for (LocalSpend.Charge charge : charges) {
			spend.settle(charge, charge.key().user() == null);
		}
		assertThat(spend.pending(ACME.id())).isEqualTo(9);
		assertThat(spend.pending(ACME.id(), "alice")).isEqualTo(9);
		List<LocalSpend.Charge> retry = spend.drain();
		assertThat(retry).singleElement().satisfies((charge) -> {
			assertThat(charge.tokens()).as("the failed 5 and the new 4, once").isEqualTo(9);
			assertThat(charge.request().user()).isEqualTo("alice");
		});
		spend.settle(retry.get(0), true);
		assertThat(spend.pending(ACME.id())).isZero();
		assertThat(spend.drain()).isEmpty();
	}

	@Test
	void aFullLedgerChargesNewUsersToTheirTenantAndDropsWhatHasNoRoom() {
		LocalSpend spend = new LocalSpend(2);
		spend.record(request(ACME, "alice", null), 1);
		spend.record(request(ACME, null, null), 1);
		spend.record(request(ACME, "bob", null), 1);
		Tenant other = tenant(TenantId.of("other"), 1, limit(100, Duration.ofHours(1)));
		spend.record(request(other, null, null), 7);
		assertThat(spend.dropped()).isEqualTo(7);
		assertThat(spend.drain()).extracting((charge) -> charge.key().user() + "=" + charge.tokens())
			.containsExactlyInAnyOrder("alice=1", "null=2");
	}

	@Test
	void theNewestPlanIsCharged() {
		LocalSpend spend = new LocalSpend(10);
		spend.record(request(tenant(TenantId.of("acme"), 2, limit(50, Duration.ofHours(1))), null, null), 1);
		spend.record(request(tenant(TenantId.of("acme"), 1, limit(100, Duration.ofHours(1))), null, null), 1);
		assertThat(spend.drain()).singleElement()
			.satisfies((charge) -> assertThat(charge.request().plan().version()).isEqualTo(2));
	}

}
