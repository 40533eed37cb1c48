package dev.tenancy.security;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity provider's signing keys, fetched from its JWK set and cached, so that
 * neither a flood of tokens with made-up key ids nor an outage of the identity provider
 * reaches every request.
 * <ul>
 * <li>Keys are fetched at most once per {@link JwkSetPolicy#refetchInterval() refetch
 * interval}, whatever asks: a token naming a key that is not in the set is refused
 * without a fetch when the last one was more recent (so 20 tokens with 20 invented
 * {@code kid}s cost at most one fetch).</li>
 * <li>One fetch at a time: concurrent requests that need it wait for the same fetch,
 * never longer than the fetch's own bound ({@link JwkSetPolicy#fetchTimeout()}).</li>
 * <li>Keys older than the {@link JwkSetPolicy#cacheTtl() cache TTL} are fetched again in
 * the background while requests go on using them; if that fails they stay in use for the
 * {@link JwkSetPolicy#outageTolerance() outage tolerance}.</li>
 * <li>A key that cannot be looked up because the identity provider cannot be asked (no
 * keys yet, keys too old, or an unknown key while the last fetch failed) is an
 * {@link IdentityProviderKeyException} (503 for the caller), never "invalid token". A key
 * the identity provider was asked about and does not have is an empty list (401).</li>
 * <li>An outage is logged once when it starts and once when it ends, not per
 * request.</li>
 * </ul>
 * Nimbus's own {@code JWKSourceBuilder} has similar parts, but its rate limiter then
 * fails requests that only needed a cache refresh, and its lock lets queued requests
 * fetch one after another; the rules above are simpler to state and to test.
 */
public final class IdentityProviderKeys implements JWKSource<SecurityContext>, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(IdentityProviderKeys.class);

	private static final Duration WAIT_MARGIN = Duration.ofMillis(250);

	private final JwkSetFetcher fetcher;

	private final Supplier<String> location;

	private final JwkSetPolicy policy;

	private final Clock clock;

	private final ExecutorService executor;

	private final Object lock = new Object();

	private final AtomicLong fetches = new AtomicLong();

	private volatile Keys keys;

	private volatile Instant outageSince;

	// Guarded by lock.
	private CompletableFuture<Void> inFlight;

	private volatile Instant lastAttempt;

	IdentityProviderKeys(JwkSetFetcher fetcher, Supplier<String> location, JwkSetPolicy policy, Clock clock) {
		this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
		this.location = Objects.requireNonNull(location, "location");
		this.policy = Objects.requireNonNull(policy, "policy");
		this.clock = Objects.requireNonNull(clock, "clock");
		this.executor = Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "tenancy-jwks-fetch");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Keys from a JWK set URI.
	 * @param jwkSetUri the identity provider's JWK set
	 * @param policy caching and timeouts
	 * @return the keys (nothing is fetched before the first token)
	 */
	public static IdentityProviderKeys fromJwkSetUri(URI jwkSetUri, JwkSetPolicy policy) {
		HttpJwkSetFetcher fetcher = HttpJwkSetFetcher.forJwkSetUri(jwkSetUri, policy);
		return new IdentityProviderKeys(fetcher, fetcher::location, policy, Clock.systemUTC());
	}

	/**
	 * Keys of an issuer, whose JWK set location is discovered from its metadata on the
	 * first fetch (and that discovery fails and is retried like any fetch).
	 * @param issuer the issuer identifier
	 * @param policy caching and timeouts
	 * @return the keys (nothing is fetched before the first token)
	 */
	public static IdentityProviderKeys fromIssuer(URI issuer, JwkSetPolicy policy) {
		HttpJwkSetFetcher fetcher = HttpJwkSetFetcher.forIssuer(issuer, policy);
		return new IdentityProviderKeys(fetcher, fetcher::location, policy, Clock.systemUTC());
	}

	@Override
	public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
		Instant now = this.clock.instant();
		Keys current = this.keys;
		if (current != null && current.usableAt(now, this.policy)) {
			if (current.staleAt(now, this.policy)) {
				fetchIfAllowed(now);
			}
			List<JWK> found = selector.select(current.set());
			if (!found.isEmpty()) {
				return found;
			}
		}
		// An unknown key, or no keys to use: ask the identity provider, if it was not
		// asked lately.
		CompletableFuture<Void> fetch = fetchIfAllowed(now);
		boolean answered = (fetch == null) || await(fetch);
		now = this.clock.instant();
		current = this.keys;
		if (current != null && current.usableAt(now, this.policy)) {
			List<JWK> found = selector.select(current.set());
			if (!found.isEmpty()) {
				return found;
			}
			if (answered && this.outageSince == null) {
				// The identity provider answered lately and has no such key: an invalid
				// token.
				return List.of();
			}
		}
		throw new IdentityProviderKeyException(retryAfter(now));
	}

	/**
	 * Whether the last fetch failed (and the keys are then served from the cache, if at
	 * all).
	 * @return the start of the current outage, or {@code null} while the identity
	 * provider answers
	 */
	public Instant outageSince() {
		return this.outageSince;
	}

	/**
	 * How many fetches were started, for tests and metrics.
	 * @return the count
	 */
	public long fetches() {
		return this.fetches.get();
	}

	/**
	 * Where the keys come from.
	 * @return the JWK set URI or issuer
	 */
	public String location() {
		return this.location.get();
	}

	private CompletableFuture<Void> fetchIfAllowed(Instant now) {
		synchronized (this.lock) {
			if (this.inFlight != null && !this.inFlight.isDone()) {
				return this.inFlight;
			}
			Instant last = this.lastAttempt;
			if (last != null && now.isBefore(last.plus(this.policy.refetchInterval()))) {
				return null;
			}
			this.lastAttempt = now;
			this.fetches.incrementAndGet();
			CompletableFuture<JWKSet> fetch;
			try {
				fetch = CompletableFuture.supplyAsync(this::fetchNow, this.executor);
			}
			catch (RejectedExecutionException ex) {
				// Closed: behave as an outage.
				fetch = CompletableFuture.failedFuture(ex);
			}
			// The returned stage completes only after the outcome is recorded, so whoever
			// waits for
			// it sees the new state. Recording takes the lock, so it cannot finish before
			// this
			// assignment unless it ran right here (a fetch that failed at once).
			CompletableFuture<Void> recorded = fetch.handle((set, failure) -> {
				record(set, failure);
				return null;
			});
			this.inFlight = recorded.isDone() ? null : recorded;
			return recorded;
		}
	}

	private JWKSet fetchNow() {
		try {
			return this.fetcher.fetch();
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new FetchFailedException(ex);
		}
		catch (Exception ex) {
			throw new FetchFailedException(ex);
		}
	}

	private void record(JWKSet set, Throwable failure) {
		Instant now = this.clock.instant();
		synchronized (this.lock) {
			this.inFlight = null;
			if (failure == null && set != null) {
				this.keys = new Keys(set, now);
				Instant since = this.outageSince;
				if (since != null) {
					this.outageSince = null;
					logger.info("The identity provider's JWK set at {} can be fetched again, after {} s", location(),
							Duration.between(since, now).toSeconds());
				}
				return;
			}
			String reason = describe(failure);
			if (this.outageSince == null) {
				this.outageSince = now;
				Keys current = this.keys;
				String kept = (current != null)
						? "the " + current.set().size() + " known keys stay in use until "
								+ current.fetchedAt().plus(this.policy.cacheTtl()).plus(this.policy.outageTolerance())
						: "no keys are known yet";
				logger.warn(
						"The identity provider's JWK set at {} cannot be fetched ({}): {}; tokens that need "
								+ "another key get 503 identity_provider_unavailable; retrying at most every {} ms",
						location(), reason, kept, this.policy.refetchInterval().toMillis());
			}
			else {
				logger.debug("The identity provider's JWK set at {} still cannot be fetched ({})", location(), reason);
			}
		}
	}

	private boolean await(CompletableFuture<Void> fetch) {
		try {
			fetch.get(this.policy.fetchTimeout().plus(WAIT_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (ExecutionException ex) {
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private Duration retryAfter(Instant now) {
		Instant last = this.lastAttempt;
		Duration wait = (last != null) ? Duration.between(now, last.plus(this.policy.refetchInterval()))
				: Duration.ZERO;
		return (wait.compareTo(Duration.ofSeconds(1)) < 0) ? Duration.ofSeconds(1) : wait;
	}

	private static String describe(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof java.util.concurrent.CompletionException || cause instanceof FetchFailedException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause == null) {
			return "no answer";
		}
		String message = cause.getMessage();
		String text = cause.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
		// The text may quote what the identity provider sent: keep it to one short line.
		text = text.replaceAll("\\p{Cntrl}", " ");
		return (text.length() > 200) ? text.substring(0, 200) + "..." : text;
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

	@Override
	public String toString() {
		return "IdentityProviderKeys[" + location() + "]";
	}

	private record Keys(JWKSet set, Instant fetchedAt) {

		boolean staleAt(Instant now, JwkSetPolicy policy) {
			return !now.isBefore(this.fetchedAt.plus(policy.cacheTtl()));
		}

		boolean usableAt(Instant now, JwkSetPolicy policy) {
			return now.isBefore(this.fetchedAt.plus(policy.cacheTtl()).plus(policy.outageTolerance()));
		}

	}

	private static final class FetchFailedException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		FetchFailedException(Throwable cause) {
			super(cause);
		}

	}

}
