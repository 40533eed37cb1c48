package dev.tenancy.configserver.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.ratelimit.FailedAttemptThrottle;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * HTTP basic authentication that pays for the password hash (BCrypt, ...) once per
 * credential per period: a credential that was verified is remembered for
 * {@code tenancy.config-server.basic-cache.time-to-live} (bounded in number by
 * {@code maximum-size}), and until then the same username and password are accepted
 * without hashing again.
 * <p>
 * What is remembered is keyed by an HMAC-SHA256 of username and password under a random
 * key made at start-up and never stored: the cache holds neither the secret nor anything
 * that could be checked against a guess without that key. Wrong credentials are never
 * remembered. They are counted by a {@link FailedAttemptThrottle} per client name and per
 * source address; once either has failed too often in the window, every attempt from it
 * is refused with 429 before its credential is looked at, the right one included (a
 * remembered credential too: a caller that failed recently on this instance is checked
 * against the throttle even when its credential is remembered, so a throttled guess never
 * tells whether it was right).
 * <p>
 * A changed or removed password stops working at the latest one period after the change;
 * when the change is made by a refresh of the clients ({@link #forgetAll()}), at once.
 */
final class RememberingBasicAuthenticationProvider implements AuthenticationProvider {

	private static final Logger logger = LoggerFactory.getLogger(RememberingBasicAuthenticationProvider.class);

	private final AuthenticationProvider delegate;

	private final FailedAttemptThrottle throttle;

	private final Cache<String, Authentication> verified;

	/**
	 * Client names and addresses that failed on this instance within the throttle's
	 * window.
	 */
	private final Cache<String, Boolean> suspects;

	private final SecretKeySpec key;

	private final boolean remembering;

	RememberingBasicAuthenticationProvider(AuthenticationProvider delegate, FailedAttemptThrottle throttle,
			Duration timeToLive, long maximumSize, Duration throttleWindow, Ticker ticker) {
		this.delegate = delegate;
		this.throttle = throttle;
		this.remembering = !timeToLive.isZero() && !timeToLive.isNegative() && maximumSize > 0;
		this.verified = Caffeine.newBuilder()
			.expireAfterWrite(this.remembering ? timeToLive : Duration.ofMillis(1))
			.maximumSize(Math.max(0, maximumSize))
			.ticker(ticker)
			.build();
		this.suspects = Caffeine.newBuilder()
			.expireAfterWrite(throttleWindow)
			.maximumSize(10_000)
			.ticker(ticker)
			.build();
		byte[] secret = new byte[32];
		new SecureRandom().nextBytes(secret);
		this.key = new SecretKeySpec(secret, "HmacSHA256");
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
	}

	@Override
	public Authentication authenticate(Authentication authentication) throws AuthenticationException {
		String username = authentication.getName();
		Object credentials = authentication.getCredentials();
		String password = (credentials != null) ? credentials.toString() : "";
		String address = address(authentication);
		String cacheKey = this.remembering ? cacheKey(username, password) : null;
		Authentication remembered = (cacheKey != null) ? this.verified.getIfPresent(cacheKey) : null;
		boolean suspect = this.suspects.getIfPresent("c:" + username) != null
				|| this.suspects.getIfPresent("a:" + address) != null;
		if (remembered != null && !suspect) {
			return remembered;
		}
		if (this.throttle != null) {
			FailedAttemptThrottle.Verdict verdict = this.throttle.check(username, address);
			if (verdict.throttled()) {
				throw new ClientThrottledException(verdict.retryAfterSeconds());
			}
		}
		if (remembered != null) {
			return remembered;
		}
		Authentication result;
		try {
			result = this.delegate.authenticate(authentication);
		}
		catch (BadCredentialsException ex) {
			this.suspects.put("c:" + username, Boolean.TRUE);
			this.suspects.put("a:" + address, Boolean.TRUE);
			if (this.throttle != null) {
				FailedAttemptThrottle.Verdict verdict = this.throttle.failed(username, address);
				if (verdict.throttled()) {
					throw new ClientThrottledException(verdict.retryAfterSeconds());
				}
			}
			throw ex;
		}
		if (cacheKey != null && result != null && result.isAuthenticated()) {
			this.verified.put(cacheKey, result);
		}
		return result;
	}

	/**
	 * Forgets every remembered credential: the next request of each is verified again.
	 */
	void forgetAll() {
		this.verified.invalidateAll();
		logger.debug("Forgot every remembered client credential");
	}

	/** How many credentials are remembered (for tests and operators). */
	long remembered() {
		this.verified.cleanUp();
		return this.verified.estimatedSize();
	}

	private String cacheKey(String username, String password) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(this.key);
			// length-prefixed, so no username/password split can collide with another
			mac.update((username.length() + ":" + username).getBytes(StandardCharsets.UTF_8));
			mac.update(password.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(mac.doFinal());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	private static String address(Authentication authentication) {
		if (authentication.getDetails() instanceof WebAuthenticationDetails details
				&& details.getRemoteAddress() != null) {
			return details.getRemoteAddress();
		}
		return "unknown";
	}

}
