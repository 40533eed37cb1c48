package dev.tenancy.security;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.RSAKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;

import dev.tenancy.test.FakeIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The JWK set cache and the decoder on it, against an identity provider served over HTTP
 * on loopback that is flooded, stopped, slowed and made hostile.
 */
class IdentityProviderKeysTest {

	private final FakeIdentityProvider idp = new FakeIdentityProvider();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private ListAppender<ILoggingEvent> log;

	@BeforeEach
	void captureLog() {
		this.log = new ListAppender<>();
		this.log.start();
		logger().addAppender(this.log);
	}

	@AfterEach
	void close() throws Exception {
		logger().detachAppender(this.log);
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		this.idp.close();
	}

	private static Logger logger() {
		return (Logger) LoggerFactory.getLogger(IdentityProviderKeys.class);
	}

	private static JwkSetPolicy policy(Duration ttl, Duration refetch) {
		// Generous timeouts: the first request of a JVM's HTTP client can take a second
		// on a busy machine.
		return new JwkSetPolicy(ttl, refetch, Duration.ofHours(1), Duration.ofMillis(1000), Duration.ofMillis(1500),
				JwkSetPolicy.DEFAULT_MAX_BYTES);
	}

	private ResilientJwtDecoder decoder(IdentityProviderKeys keys) {
		this.closeables.add(keys);
		return new ResilientJwtDecoder(keys, Set.of(SignatureAlgorithm.RS256), new DelegatingOAuth2TokenValidator<Jwt>(
				new JwtTimestampValidator(), new JwtIssuerValidator(this.idp.issuer())));
	}

	private IdentityProviderKeys keys(JwkSetPolicy policy, Clock clock) {
		return new IdentityProviderKeys(HttpJwkSetFetcher.forJwkSetUri(this.idp.jwkSetUri(), policy),
				() -> this.idp.jwkSetUri().toString(), policy, clock);
	}

	private ResilientJwtDecoder decoder(JwkSetPolicy policy) {
		return decoder(IdentityProviderKeys.fromJwkSetUri(this.idp.jwkSetUri(), policy));
	}

	private String validToken() {
		return this.idp.token((claims) -> claims.claim("tenant_id", "acme"));
	}

	private String tokenWithUnknownKey(String kid) {
		return this.idp.tokenWithUnknownKey(kid);
	}

	private long warnings() {
		return this.log.list.stream().filter((event) -> event.getLevel() == Level.WARN).count();
	}

	@Test
	void unknownKeyIdsCostAtMostOneFetchPerInterval() {
		ResilientJwtDecoder decoder = decoder(policy(Duration.ofMinutes(5), Duration.ofSeconds(30)));
		assertThat(decoder.decode(validToken()).getClaimAsString("tenant_id")).isEqualTo("acme");
		assertThat(this.idp.jwksRequests()).isEqualTo(1);

		for (int i = 0; i < 20; i++) {
			String token = tokenWithUnknownKey("made-up-" + i);
			assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(token));
		}
		// The first unknown kid may fetch (the interval has not passed since the first
		// fetch, so it
		// does not); the other 19 never do.
		assertThat(this.idp.jwksRequests()).isEqualTo(1);
		assertThat(decoder.decode(validToken()).getSubject()).isEqualTo("test-user");
	}

	@Test
	void concurrentUnknownKeysShareOneFetch() throws Exception {
		ResilientJwtDecoder decoder = decoder(policy(Duration.ofMinutes(5), Duration.ofSeconds(30)));
		this.idp.delay(Duration.ofMillis(200));
		ExecutorService pool = Executors.newFixedThreadPool(20);
		try {
			List<Future<Throwable>> results = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				String token = tokenWithUnknownKey("parallel-" + i);
				Callable<Throwable> call = () -> {
					try {
						decoder.decode(token);
						return null;
					}
					catch (RuntimeException ex) {
						return ex;
					}
				};
				results.add(pool.submit(call));
			}
			for (Future<Throwable> result : results) {
				assertThat(result.get()).isInstanceOf(BadJwtException.class);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.idp.jwksRequests()).isEqualTo(1);
	}

	@Test
	void aRotatedKeyIsFetchedOnceTheIntervalHasPassed() {
		RSAKey rotated = FakeIdentityProvider.unpublishedKey("key-2");
		String token = this.idp.token(rotated, JOSEObjectType.JWT, (claims) -> {
		});
		// The interval is measured on a clock of the test's own, so a slow machine cannot
		// stretch it.
		MutableClock clock = new MutableClock();
		JwkSetPolicy policy = policy(Duration.ofMinutes(5), Duration.ofSeconds(30));
		ResilientJwtDecoder decoder = decoder(keys(policy, clock));
		decoder.decode(validToken());
		this.idp.publish(rotated);
		// Within the interval the new key is unknown and not fetched...
		clock.advance(Duration.ofSeconds(29));
		assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(token));
		assertThat(this.idp.jwksRequests()).isEqualTo(1);
		// ...after it, one fetch finds it.
		clock.advance(Duration.ofSeconds(2));
		assertThat(decoder.decode(token).getSubject()).isEqualTo("test-user");
		assertThat(this.idp.jwksRequests()).isEqualTo(2);
	}

	@Test
	void identityProviderDownWithAnUncachedKeyIs503WithinTheBoundAndLoggedOnce() throws Exception {
		MutableClock clock = new MutableClock();
		IdentityProviderKeys keys = keys(policy(Duration.ofSeconds(1), Duration.ofSeconds(1)), clock);
		ResilientJwtDecoder decoder = decoder(keys);
		decoder.decode(validToken());
		this.idp.stop();
		// Within the interval after a successful fetch an unknown key is simply unknown
		// (401)...
		assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(tokenWithUnknownKey("early")));

		// ...after it, the fetch fails: 503 now, and at once for the rest of the
		// interval.
		for (int i = 0; i < 10; i++) {
			if (i % 3 == 0) {
				clock.advance(Duration.ofMillis(1100));
			}
			String token = tokenWithUnknownKey("down-" + i);
			long start = System.nanoTime();
			assertThatExceptionOfType(IdentityProviderUnavailableException.class)
				.isThrownBy(() -> decoder.decode(token))
				.satisfies(
						(ex) -> assertThat(ex.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(1000)));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
		}
		// Four fetches failed (one per interval), one warning for the outage.
		assertThat(this.idp.jwksRequests()).isEqualTo(1);
		assertThat(keys.fetches()).isEqualTo(5);
		assertThat(keys.outageSince()).isNotNull();
		assertThat(warnings()).isEqualTo(1);
		assertThat(this.log.list.get(0).getFormattedMessage()).contains("cannot be fetched")
			.contains(this.idp.jwkSetUri().toString());

		this.idp.start();
		clock.advance(Duration.ofMillis(1100));
		String token = tokenWithUnknownKey("after-recovery");
		assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(token));
		assertThat(keys.outageSince()).isNull();
		assertThat(this.log.list.stream()
			.filter((event) -> event.getLevel() == Level.INFO)
			.map(ILoggingEvent::getFormattedMessage)).singleElement().asString().contains("can be fetched again");
		assertThat(warnings()).isEqualTo(1);
	}

	@Test
	void knownKeysKeepWorkingWhileTheIdentityProviderIsDown() throws Exception {
		MutableClock clock = new MutableClock();
		IdentityProviderKeys keys = keys(policy(Duration.ofSeconds(1), Duration.ofSeconds(1)), clock);
		ResilientJwtDecoder decoder = decoder(keys);
		decoder.decode(validToken());
		this.idp.stop();
		// Past the cache TTL: background refreshes fail, the known key stays in use.
		for (int i = 0; i < 5; i++) {
			clock.advance(Duration.ofMillis(1100));
			assertThat(decoder.decode(validToken()).getSubject()).isEqualTo("test-user");
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (keys.outageSince() == null && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(keys.outageSince()).isNotNull();
		assertThat(warnings()).isEqualTo(1);
		// Beyond the outage tolerance (1 h) they are not.
		clock.advance(Duration.ofHours(1));
		assertThatExceptionOfType(IdentityProviderUnavailableException.class)
			.isThrownBy(() -> decoder.decode(validToken()));
	}

	@Test
	void noKeysYetAndTheIdentityProviderDownIs503() {
		this.idp.stop();
		ResilientJwtDecoder decoder = decoder(policy(Duration.ofMinutes(5), Duration.ofSeconds(30)));
		assertThatExceptionOfType(IdentityProviderUnavailableException.class)
			.isThrownBy(() -> decoder.decode(validToken()));
		// Within the interval the next request does not try again, and fails at once.
		long start = System.nanoTime();
		assertThatExceptionOfType(IdentityProviderUnavailableException.class)
			.isThrownBy(() -> decoder.decode(validToken()))
			.satisfies((ex) -> assertThat(ex.retryAfter()).isGreaterThan(Duration.ofSeconds(20)));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(200));
	}

	@Test
	void aSlowIdentityProviderIs503WithinTheTimeouts() {
		this.idp.delay(Duration.ofSeconds(10));
		ResilientJwtDecoder decoder = decoder(policy(Duration.ofMinutes(5), Duration.ofSeconds(30)));
		long start = System.nanoTime();
		assertThatExceptionOfType(IdentityProviderUnavailableException.class)
			.isThrownBy(() -> decoder.decode(validToken()));
		// connect 1 s + read 1.5 s, with a margin for a loaded machine.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(4000));
	}

	@Test
	void hostileAnswersAreAnOutageNotAnError() {
		ResilientJwtDecoder decoder = decoder(policy(Duration.ofMinutes(5), Duration.ofMillis(100)));
		this.idp.jwksBody("{\"keys\":[{\"kty\":\"RSA\",\"n\":\"" + "A".repeat(60 * 1024) + "\",\"e\":\"AQAB\"}]}");
		assertThatExceptionOfType(IdentityProviderUnavailableException.class)
			.isThrownBy(() -> decoder.decode(validToken()));
		this.idp.jwksBody("not json \u001b[31m");
		sleep(150);
		assertThatExceptionOfType(IdentityProviderUnavailableException.class)
			.isThrownBy(() -> decoder.decode(validToken()));
		this.idp.jwksBody(null);
		this.idp.failWith(500);
		sleep(150);
		assertThatExceptionOfType(IdentityProviderUnavailableException.class)
			.isThrownBy(() -> decoder.decode(validToken()));
		assertThat(this.log.list).allSatisfy((event) -> assertThat(event.getFormattedMessage()).doesNotContain("\u001b")
			.doesNotContain("AAAAAAAAAA"));
	}

	@Test
	void privateAndSymmetricKeysInTheSetAreNeverUsed() {
		// A JWK set that wrongly publishes an HMAC secret: a token "signed" with it must
		// not pass,
		// even if HS256 were accepted.
		this.idp.jwksBody(
				"{\"keys\":[{\"kty\":\"oct\",\"kid\":\"hmac\",\"k\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA\"}]}");
		IdentityProviderKeys keys = IdentityProviderKeys.fromJwkSetUri(this.idp.jwkSetUri(),
				policy(Duration.ofMinutes(5), Duration.ofSeconds(30)));
		this.closeables.add(keys);
		ResilientJwtDecoder decoder = new ResilientJwtDecoder(keys, Set.of(SignatureAlgorithm.RS256),
				new JwtTimestampValidator());
		String token = tokenWithUnknownKey("hmac");
		assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> decoder.decode(token));
	}

	@Test
	void theIssuerIsDiscoveredAndMustMatch() {
		ResilientJwtDecoder decoder = decoder(IdentityProviderKeys.fromIssuer(URI.create(this.idp.issuer()),
				policy(Duration.ofMinutes(5), Duration.ofSeconds(30))));
		assertThat(decoder.decode(validToken()).getSubject()).isEqualTo("test-user");
		assertThat(this.idp.requests(FakeIdentityProvider.DISCOVERY_PATH)).isEqualTo(1);

		// Metadata naming another issuer is refused: the keys would not be this issuer's.
		ResilientJwtDecoder other = decoder(IdentityProviderKeys.fromIssuer(URI.create(this.idp.issuer() + "/realm"),
				policy(Duration.ofMinutes(5), Duration.ofSeconds(30))));
		assertThatExceptionOfType(IdentityProviderUnavailableException.class)
			.isThrownBy(() -> other.decode(validToken()));
	}

	private static final class MutableClock extends Clock {

		private volatile Instant now = Instant.now();

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
