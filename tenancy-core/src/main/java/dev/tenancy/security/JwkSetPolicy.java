package dev.tenancy.security;

import java.time.Duration;
import java.util.Objects;

/**
 * How a remote JWK set is cached and fetched.
 *
 * @param cacheTtl how long fetched keys are used before they are fetched again (in the
 * background: requests keep using the keys meanwhile)
 * @param refetchInterval the shortest time between two fetches, whatever asks for them: a
 * token whose key is unknown within this time of the last fetch is refused without asking
 * the identity provider again
 * @param outageTolerance how long keys are still used after {@code cacheTtl} while the
 * JWK set cannot be fetched
 * @param connectTimeout longest wait for a connection to the identity provider
 * @param readTimeout longest wait for a whole answer once connected
 * @param maxBytes largest JWK set (or discovery document) accepted
 */
public record JwkSetPolicy(Duration cacheTtl, Duration refetchInterval, Duration outageTolerance,
		Duration connectTimeout, Duration readTimeout, int maxBytes) {

	/** Nimbus's default size limit for a JWK set, 50 KiB. */
	public static final int DEFAULT_MAX_BYTES = 50 * 1024;

	public JwkSetPolicy {
		requirePositive(cacheTtl, "cacheTtl");
		requirePositive(refetchInterval, "refetchInterval");
		Objects.requireNonNull(outageTolerance, "outageTolerance");
		if (outageTolerance.isNegative()) {
			throw new IllegalArgumentException("outageTolerance must not be negative");
		}
		requirePositive(connectTimeout, "connectTimeout");
		requirePositive(readTimeout, "readTimeout");
		if (refetchInterval.compareTo(cacheTtl) > 0) {
			throw new IllegalArgumentException(
					"refetchInterval (" + refetchInterval + ") must not be longer than cacheTtl (" + cacheTtl + ")");
		}
		if (maxBytes < 1024) {
			throw new IllegalArgumentException("maxBytes must be at least 1024");
		}
	}

	/**
	 * The policy with the defaults: keys cached 5 minutes, at most one fetch per 30
	 * seconds, known keys kept for an hour of outage, 1 s to connect and 2 s to answer.
	 * @return the default policy
	 */
	public static JwkSetPolicy defaults() {
		return new JwkSetPolicy(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofHours(1),
				Duration.ofSeconds(1), Duration.ofSeconds(2), DEFAULT_MAX_BYTES);
	}

	/**
	 * The longest one fetch may take: connecting plus answering.
	 * @return the bound
	 */
	public Duration fetchTimeout() {
		return this.connectTimeout.plus(this.readTimeout);
	}

	private static void requirePositive(Duration duration, String name) {
		Objects.requireNonNull(duration, name);
		if (duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(name + " must be positive");
		}
	}

}
