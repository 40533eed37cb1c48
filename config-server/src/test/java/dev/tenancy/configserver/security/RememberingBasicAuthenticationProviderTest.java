package dev.tenancy.configserver.security;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Ticker;
import org.junit.jupiter.api.Test;

import dev.tenancy.ratelimit.FailedAttemptThrottle;
import dev.tenancy.ratelimit.LocalRateLimiter;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The remembered basic credentials with a real BCrypt encoder, a real user store whose
 * passwords change, a real (local) failed-attempt limiter and a clock of the test's own:
 * BCrypt is paid once per credential per period, a changed password takes effect within
 * the period, wrong passwords are never remembered and are throttled.
 */
class RememberingBasicAuthenticationProviderTest {

	private static final Duration TTL = Duration.ofMinutes(5);

	private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

	private final Ticker ticker = this.nanos::get;

	private final AtomicInteger hashes = new AtomicInteger();

	private final InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();

	private final PasswordEncoder bcrypt = new BCryptPasswordEncoder(4);

	private final RememberingBasicAuthenticationProvider provider = provider(3, 100);

	private RememberingBasicAuthenticationProvider provider(long perClient, long perAddress) {
		PasswordEncoder counting = new PasswordEncoder() {
			@Override
			public String encode(CharSequence raw) {
				return RememberingBasicAuthenticationProviderTest.this.bcrypt.encode(raw);
			}

			@Override
			public boolean matches(CharSequence raw, String encoded) {
				RememberingBasicAuthenticationProviderTest.this.hashes.incrementAndGet();
				return RememberingBasicAuthenticationProviderTest.this.bcrypt.matches(raw, encoded);
			}
		};
		this.users.createUser(User.withUsername("billing").password(this.bcrypt.encode("right")).roles("X").build());
		DaoAuthenticationProvider dao = new DaoAuthenticationProvider(this.users);
		dao.setPasswordEncoder(counting);
		FailedAttemptThrottle throttle = new FailedAttemptThrottle(new LocalRateLimiter(1), "test",
				new FailedAttemptThrottle.Settings(perAddress, perClient, Duration.ofMinutes(1),
						Duration.ofSeconds(1)));
		return new RememberingBasicAuthenticationProvider(dao, throttle, TTL, 100, Duration.ofMinutes(1), this.ticker);
	}

	private static Authentication attempt(String user, String password, String address) {
		UsernamePasswordAuthenticationToken token = UsernamePasswordAuthenticationToken.unauthenticated(user, password);
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setRemoteAddr(address);
		token.setDetails(new WebAuthenticationDetails(request));
		return token;
	}

	private Authentication authenticate(String user, String password) {
		return this.provider.authenticate(attempt(user, password, "10.0.0.1"));
	}

	private void changePassword(String password) {
		this.users.updateUser(User.withUsername("billing").password(this.bcrypt.encode(password)).roles("X").build());
	}

	@Test
	void aVerifiedCredentialIsHashedOncePerPeriod() {
		for (int i = 0; i < 50; i++) {
			assertThat(authenticate("billing", "right").isAuthenticated()).isTrue();
		}
		assertThat(this.hashes).hasValue(1);

		this.nanos.addAndGet(TTL.plusSeconds(1).toNanos());
		assertThat(authenticate("billing", "right").isAuthenticated()).isTrue();
		assertThat(this.hashes).hasValue(2);
	}

	@Test
	void aChangedPasswordTakesEffectWithinThePeriod() {
		authenticate("billing", "right");
		changePassword("new-one");

		// still remembered: at most one period
		this.nanos.addAndGet(TTL.minusSeconds(1).toNanos());
		assertThat(authenticate("billing", "right").isAuthenticated()).isTrue();
		assertThat(authenticate("billing", "new-one").isAuthenticated()).isTrue();

		this.nanos.addAndGet(Duration.ofSeconds(2).toNanos());
		assertThatExceptionOfType(BadCredentialsException.class).isThrownBy(() -> authenticate("billing", "right"));
		assertThat(authenticate("billing", "new-one").isAuthenticated()).isTrue();
	}

	@Test
	void forgettingAppliesAChangeAtOnce() {
		authenticate("billing", "right");
		changePassword("new-one");
		this.provider.forgetAll();

		assertThatExceptionOfType(BadCredentialsException.class).isThrownBy(() -> authenticate("billing", "right"));
	}

	@Test
	void wrongPasswordsAreNeverRemembered() {
		assertThatExceptionOfType(BadCredentialsException.class).isThrownBy(() -> authenticate("billing", "wrong"));
		assertThatExceptionOfType(BadCredentialsException.class).isThrownBy(() -> authenticate("billing", "wrong"));

		assertThat(this.hashes).hasValue(2);
		assertThat(this.provider.remembered()).isZero();
		// a near miss of a remembered credential is not the credential
		authenticate("billing", "right");
		assertThatExceptionOfType(BadCredentialsException.class).isThrownBy(() -> authenticate("billing", "right "));
		assertThatExceptionOfType(BadCredentialsException.class).isThrownBy(() -> authenticate("billin", "gright"));
		assertThat(this.provider.remembered()).isOne();
	}

	@Test
	void wrongPasswordsAreThrottledAndThenEvenTheRightOneIsRefusedUnchecked() {
		authenticate("billing", "right");
		int refusedAt = 0;
		for (int i = 1; i <= 6 && refusedAt == 0; i++) {
			String guess = "w" + i;
			try {
				authenticate("billing", guess);
			}
			catch (ClientThrottledException ex) {
				assertThat(ex.retryAfterSeconds()).isBetween(1L, 60L);
				refusedAt = i;
			}
			catch (BadCredentialsException ex) {
				// counted
			}
		}
		// the client's budget is 3 wrong credentials a window
		assertThat(refusedAt).isBetween(3, 4);
		int hashed = this.hashes.get();

		// throttled: refused before the credential is looked at, remembered or not
		assertThatExceptionOfType(ClientThrottledException.class).isThrownBy(() -> authenticate("billing", "w4"));
		assertThatExceptionOfType(ClientThrottledException.class).isThrownBy(() -> authenticate("billing", "right"));
		assertThat(this.hashes).hasValue(hashed);
	}

	@Test
	void withoutAPeriodNothingIsRemembered() {
		DaoAuthenticationProvider dao = new DaoAuthenticationProvider(this.users);
		dao.setPasswordEncoder(new PasswordEncoder() {
			@Override
			public String encode(CharSequence raw) {
				return RememberingBasicAuthenticationProviderTest.this.bcrypt.encode(raw);
			}

			@Override
			public boolean matches(CharSequence raw, String encoded) {
				RememberingBasicAuthenticationProviderTest.this.hashes.incrementAndGet();
				return RememberingBasicAuthenticationProviderTest.this.bcrypt.matches(raw, encoded);
			}
		});
		RememberingBasicAuthenticationProvider off = new RememberingBasicAuthenticationProvider(dao, null,
				Duration.ZERO, 100, Duration.ofMinutes(1), this.ticker);
		off.authenticate(attempt("billing", "right", "10.0.0.2"));
		off.authenticate(attempt("billing", "right", "10.0.0.2"));

		assertThat(this.hashes).hasValue(2);
		assertThat(off.remembered()).isZero();
	}

}
