package dev.tenancy.ratelimit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.TenantId;

/**
 * The tokens a local fallback admitted that the shared buckets do not know of yet, per
 * tenant and user, until they are charged to Redis ({@link RateLimiter#charge}).
 * <p>
 * A charge moves its entry out of the ledger while it is in flight; a charge that fails
 * puts the tokens back, to be retried at the next recovery, and one that succeeds drops
 * them. So a charge is never lost, and never sent twice unless its outcome was unknown (a
 * timed-out charge that Redis did apply is sent again: the bucket pays twice, which
 * under-admits at most the local spend, floored at empty). Tokens still in the ledger or
 * in flight count as {@link #pending pending}, which the seeded local buckets subtract
 * from what Redis last reported.
 * <p>
 * Memory is bounded: at most {@code maxEntries} tenant-and-user entries. When full, a new
 * user's spend is recorded on its tenant alone (the tenant bucket is still charged, the
 * user bucket is not); when even that has no room, the spend is dropped and counted.
 */
final class LocalSpend {

	private static final Logger logger = LoggerFactory.getLogger(LocalSpend.class);

	private final int maxEntries;

	/** Uncharged tokens, guarded by {@code this}. */
	private final Map<Key, Entry> ledger = new HashMap<>();

	/** Uncharged plus in-flight tokens per tenant, guarded by {@code this}. */
	private final Map<TenantId, Long> pendingByTenant = new HashMap<>();

	/** Uncharged plus in-flight tokens per tenant and user, guarded by {@code this}. */
	private final Map<Key, Long> pendingByKey = new HashMap<>();

	private volatile boolean uncharged;

	/** Whether any tokens are pending, readable without the lock. */
	private volatile boolean anyPending;

	private long dropped;

	LocalSpend(int maxEntries) {
		if (maxEntries < 1) {
			throw new IllegalArgumentException("maxEntries must be at least 1");
		}
		this.maxEntries = maxEntries;
	}

	/**
	 * Record tokens admitted locally for a request.
	 * @param request the request
	 * @param tokens the tokens it spent from each of its buckets
	 */
	synchronized void record(RateLimitRequest request, long tokens) {
		if (tokens <= 0) {
			return;
		}
		RateLimitPlan plan = request.plan();
		Key key = new Key(plan.tenant(), request.limitsUser() ? request.user() : null);
		if (!this.ledger.containsKey(key) && this.ledger.size() >= this.maxEntries) {
			key = new Key(plan.tenant(), null);
			if (!this.ledger.containsKey(key) && this.ledger.size() >= this.maxEntries) {
				this.dropped += tokens;
				logger.warn("Local rate-limit spend not recorded (ledger full, {} tokens dropped so far)",
						this.dropped);
				return;
			}
		}
		Entry previous = this.ledger.get(key);
		RateLimitPlan newest = (previous == null || previous.plan().version() <= plan.version()) ? plan
				: previous.plan();
		this.ledger.put(key, new Entry(newest, ((previous != null) ? previous.tokens() : 0) + tokens));
		addPending(key, tokens);
		this.uncharged = true;
	}

	/**
	 * @return whether some recorded tokens have not been sent to Redis yet
	 */
	boolean hasUncharged() {
		return this.uncharged;
	}

	/**
	 * Take every uncharged entry out of the ledger, as charges in flight.
	 * @return the charges to send (each still pending until settled)
	 */
	synchronized List<Charge> drain() {
		List<Charge> charges = new ArrayList<>(this.ledger.size());
		this.ledger.forEach((key, entry) -> charges
			.add(new Charge(key, new RateLimitRequest(entry.plan(), key.user(), null), entry.tokens())));
		this.ledger.clear();
		this.uncharged = false;
		return charges;
	}

	/**
	 * Settle a charge from {@link #drain()}.
	 * @param charge the charge
	 * @param charged whether Redis took it; if not, its tokens go back into the ledger
	 */
	synchronized void settle(Charge charge, boolean charged) {
		if (charged) {
			addPending(charge.key(), -charge.tokens());
			return;
		}
		Entry previous = this.ledger.get(charge.key());
		RateLimitPlan plan = charge.request().plan();
		if (previous != null && previous.plan().version() > plan.version()) {
			plan = previous.plan();
		}
		this.ledger.put(charge.key(), new Entry(plan, ((previous != null) ? previous.tokens() : 0) + charge.tokens()));
		this.uncharged = true;
	}

	/**
	 * Tokens of a tenant's bucket that were spent locally and are not known to be in
	 * Redis.
	 * @param tenant the tenant
	 * @return the tokens, uncharged or in flight
	 */
	long pending(TenantId tenant) {
		if (!this.anyPending) {
			return 0;
		}
		return pendingLocked(tenant);
	}

	private synchronized long pendingLocked(TenantId tenant) {
		return this.pendingByTenant.getOrDefault(tenant, 0L);
	}

	/**
	 * Tokens of a user's bucket that were spent locally and are not known to be in Redis.
	 * @param tenant the tenant
	 * @param user the user
	 * @return the tokens, uncharged or in flight
	 */
	long pending(TenantId tenant, String user) {
		if (!this.anyPending) {
			return 0;
		}
		return pendingLocked(tenant, user);
	}

	private synchronized long pendingLocked(TenantId tenant, String user) {
		return this.pendingByKey.getOrDefault(new Key(tenant, user), 0L);
	}

	/**
	 * @return tokens dropped because the ledger was full
	 */
	synchronized long dropped() {
		return this.dropped;
	}

	private void addPending(Key key, long tokens) {
		this.pendingByTenant.merge(key.tenant(), tokens, LocalSpend::sumOrRemove);
		if (key.user() != null) {
			this.pendingByKey.merge(key, tokens, LocalSpend::sumOrRemove);
		}
		this.anyPending = !this.pendingByTenant.isEmpty();
	}

	private static Long sumOrRemove(Long a, Long b) {
		long sum = a + b;
		return (sum > 0) ? sum : null;
	}

	/** A tenant, and a user of it or {@code null} for the tenant bucket alone. */
	record Key(TenantId tenant, String user) {

		Key {
			Objects.requireNonNull(tenant, "tenant");
		}

	}

	private record Entry(RateLimitPlan plan, long tokens) {
	}

	/**
	 * One charge to send.
	 *
	 * @param key the ledger entry
	 * @param request the request whose buckets to charge (newest plan seen, the user or
	 * none)
	 * @param tokens the tokens
	 */
	record Charge(Key key, RateLimitRequest request, long tokens) {
	}

}
