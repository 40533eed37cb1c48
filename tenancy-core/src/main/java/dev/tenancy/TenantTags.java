package dev.tenancy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Bounded values of the {@value #KEY} metric tag: at most {@code max} tenants hold a
 * value of their own at any time, every other is {@value #OTHER}, so a metrics registry
 * never holds more than {@code max} tenant series per meter and tag combination, plus
 * {@value #OTHER} and {@value #NONE}, whatever the number of tenants or of forged ids.
 * <p>
 * Who holds a value: while fewer than {@code max} tenants do, the next tenant seen takes
 * one at once (so a deployment with at most {@code max} tenants tags every one from its
 * first request). Once all are taken, the holders are re-ranked by traffic at the end of
 * every window: the {@code max} tenants with the most {@link #tag(String) tagged}
 * requests in the window that just ended hold the values for the next one. A tenant
 * without a value takes one only by having had strictly more requests than the weakest
 * holder (ties keep the holder), so values change hands at most once per window. Requests
 * of tenants without a value are counted in a bounded heavy-hitters summary (Misra-Gries,
 * {@code 4 × max} entries, at least 64), which undercounts: a flood of tenants sending
 * one request each never displaces a holder.
 * <p>
 * Values change hands only when something listens for it ({@link #onUntagged}): a meter
 * registry that cannot drop a tenant's meters must keep the first {@code max} tenants
 * seen, as before.
 */
public final class TenantTags {

	/** The tag key of the tenant, the same name as in the MDC, logs and spans. */
	public static final String KEY = "tenant_id";

	/** The tag value of tenants beyond the bound. */
	public static final String OTHER = "other";

	/** The tag value of requests that named no usable tenant. */
	public static final String NONE = "none";

	/** The default ranking window. */
	public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

	private final int max;

	private final long windowNanos;

	private final LongSupplier nanoTime;

	// Holders and their requests in the current window. A holder is added only while
	// fewer than max hold a value, and removed before anyone else is added.
	private final Map<String, LongAdder> holders = new ConcurrentHashMap<>();

	private final Object admission = new Object();

	// Requests of tenants without a value in the current window (Misra-Gries).
	private final Map<String, long[]> challengers = new HashMap<>();

	private final int challengerCapacity;

	private final ReentrantLock ranking = new ReentrantLock();

	private final List<Consumer<String>> untaggedListeners = new CopyOnWriteArrayList<>();

	private volatile long windowEnd;

	/**
	 * Tags for at most {@code max} tenants, ranked every {@link #DEFAULT_WINDOW}.
	 * @param max how many distinct tenants get their own tag value (0 for none)
	 */
	public TenantTags(int max) {
		this(max, DEFAULT_WINDOW, System::nanoTime);
	}

	/**
	 * Tags for at most {@code max} tenants.
	 * @param max how many distinct tenants get their own tag value (0 for none)
	 * @param window how long traffic is counted before the holders are ranked again
	 * @param nanoTime the clock ({@link System#nanoTime()})
	 */
	public TenantTags(int max, Duration window, LongSupplier nanoTime) {
		if (max < 0) {
			throw new IllegalArgumentException("max must not be negative");
		}
		if (window == null || window.isNegative() || window.isZero()) {
			throw new IllegalArgumentException("window must be positive");
		}
		this.max = max;
		this.windowNanos = window.toNanos();
		this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
		this.challengerCapacity = Math.max(64, 4 * max);
		this.windowEnd = nanoTime.getAsLong() + this.windowNanos;
	}

	/**
	 * Count one request of a tenant and return its tag, taking a free value if one is
	 * left.
	 * @param tenant the tenant id (a known tenant, never an id a caller made up)
	 * @return the id or {@value #OTHER}
	 */
	public String tag(String tenant) {
		if (this.max == 0) {
			return OTHER;
		}
		rankIfWindowEnded();
		LongAdder requests = this.holders.get(tenant);
		if (requests != null) {
			requests.increment();
			return tenant;
		}
		if (this.holders.size() < this.max) {
			synchronized (this.admission) {
				if (this.holders.size() < this.max) {
					this.holders.computeIfAbsent(tenant, (id) -> new LongAdder()).increment();
					return tenant;
				}
			}
		}
		countChallenger(tenant);
		return OTHER;
	}

	/**
	 * The tag of a tenant without counting it or taking a free value: for ids that may be
	 * unknown or forged.
	 * @param tenant the tenant id, or {@code null}
	 * @return the id if it holds its own tag, {@value #NONE} without an id, otherwise
	 * {@value #OTHER}
	 */
	public String existingTag(String tenant) {
		if (tenant == null) {
			return NONE;
		}
		return holds(tenant) ? tenant : OTHER;
	}

	/**
	 * Whether a tenant holds its own tag value now.
	 * @param tenant the tenant id
	 * @return {@code true} if it does
	 */
	public boolean holds(String tenant) {
		return tenant != null && this.holders.containsKey(tenant);
	}

	/**
	 * @return the tenants holding their own tag value now
	 */
	public Set<String> holders() {
		return Set.copyOf(this.holders.keySet());
	}

	/**
	 * Be told each tenant that loses its own tag value, right after it lost it and before
	 * any other tenant takes it, so its meters can be removed. Registering turns
	 * re-ranking on.
	 * @param listener told the tenant id
	 */
	public void onUntagged(Consumer<String> listener) {
		this.untaggedListeners.add(Objects.requireNonNull(listener, "listener"));
	}

	private void countChallenger(String tenant) {
		if (this.untaggedListeners.isEmpty()) {
			return;
		}
		synchronized (this.challengers) {
			long[] count = this.challengers.get(tenant);
			if (count != null) {
				count[0]++;
			}
			else if (this.challengers.size() < this.challengerCapacity) {
				this.challengers.put(tenant, new long[] { 1 });
			}
			else {
				// Misra-Gries: the new request and one of every counted tenant cancel
				// out.
				// Each such pass costs as many decrements as requests counted before it,
				// so a request costs O(1) on average.
				Iterator<long[]> counts = this.challengers.values().iterator();
				while (counts.hasNext()) {
					long[] other = counts.next();
					if (--other[0] == 0) {
						counts.remove();
					}
				}
			}
		}
	}

	private void rankIfWindowEnded() {
		long now = this.nanoTime.getAsLong();
		if (now - this.windowEnd < 0 || !this.ranking.tryLock()) {
			return;
		}
		try {
			if (now - this.windowEnd < 0) {
				return;
			}
			this.windowEnd = now + this.windowNanos;
			if (!this.untaggedListeners.isEmpty()) {
				rank();
			}
			else {
				this.holders.values().forEach(LongAdder::reset);
			}
		}
		finally {
			this.ranking.unlock();
		}
	}

	private record Ranked(String tenant, long requests, boolean holder) {
	}

	private void rank() {
		List<Ranked> ranked = new ArrayList<>();
		this.holders.forEach((tenant, requests) -> ranked.add(new Ranked(tenant, requests.sumThenReset(), true)));
		synchronized (this.challengers) {
			this.challengers.forEach((tenant, count) -> ranked.add(new Ranked(tenant, count[0], false)));
			this.challengers.clear();
		}
		// most requests first; on a tie the holder keeps its value
		ranked.sort(Comparator.comparingLong((Ranked r) -> -r.requests()).thenComparing((r) -> !r.holder()));
		Set<String> next = new LinkedHashSet<>();
		for (Ranked candidate : ranked) {
			if (next.size() == this.max) {
				break;
			}
			if (candidate.holder() || candidate.requests() > 0) {
				next.add(candidate.tenant());
			}
		}
		// Holders that rank out lose their value first: at no time do more than max hold
		// one. Under the admission lock, so no tenant outside the ranking takes a value
		// freed here.
		synchronized (this.admission) {
			for (String holder : List.copyOf(this.holders.keySet())) {
				if (!next.contains(holder)) {
					this.holders.remove(holder);
					for (Consumer<String> listener : this.untaggedListeners) {
						listener.accept(holder);
					}
				}
			}
			for (String tenant : next) {
				if (this.holders.size() >= this.max) {
					break;
				}
				this.holders.putIfAbsent(tenant, new LongAdder());
			}
		}
	}

}
