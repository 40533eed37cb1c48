package dev.tenancy.registry.remote;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.client.BoundedBody;
import dev.tenancy.registry.TenantRegistryUnavailableException;

/**
 * The HTTP side of the config server's tenant API: one {@link HttpClient} with bounded connect
 * and read times, HTTP basic credentials, bounded response bodies, and a record of when the server
 * last answered (for health).
 * <p>
 * Failures are mapped once, here: no connection, a timeout or a 5xx is a
 * {@link TenantRegistryUnavailableException}; 401 and 403 are an {@link IllegalStateException}
 * (the credentials are wrong: retrying will not help), logged once until the server accepts them
 * again. The password is never logged, nor part of {@link #toString()}.
 */
public final class ConfigServerConnection {

	private static final Logger logger = LoggerFactory.getLogger(ConfigServerConnection.class);

	private final URI base;

	private final String username;

	private final String authorization;

	private final Duration readTimeout;

	private final HttpClient client;

	private final AtomicLong lastAnswerNanos = new AtomicLong();

	private final AtomicLong answers = new AtomicLong();

	private final AtomicBoolean authFailureLogged = new AtomicBoolean();

	private volatile String lastFailure;

	/**
	 * Create a connection.
	 * @param url the config server's base URL, such as {@code http://config:8888}; the tenant API
	 * is under {@code {url}/tenants}
	 * @param username the client's name for HTTP basic, or {@code null} to send no credentials
	 * @param password the client's password
	 * @param connectTimeout longest wait for a TCP connection
	 * @param readTimeout longest wait for a whole answer
	 */
	public ConfigServerConnection(URI url, String username, String password, Duration connectTimeout,
			Duration readTimeout) {
		Objects.requireNonNull(url, "url");
		if (!url.isAbsolute() || !("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme()))
				|| url.getHost() == null) {
			throw new IllegalArgumentException("config server url must be an absolute http(s) URL");
		}
		if (url.getUserInfo() != null) {
			throw new IllegalArgumentException(
					"config server url must not contain credentials; configure the username and password separately");
		}
		if (url.getQuery() != null || url.getFragment() != null) {
			throw new IllegalArgumentException("config server url must not have a query or fragment");
		}
		String text = url.toString();
		this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
		this.username = (username != null && !username.isEmpty()) ? username : null;
		if (this.username != null && this.username.indexOf(':') >= 0) {
			throw new IllegalArgumentException("config server username must not contain ':'");
		}
		this.authorization = (this.username != null) ? "Basic " + Base64.getEncoder()
			.encodeToString((this.username + ":" + ((password != null) ? password : "")).getBytes(StandardCharsets.UTF_8))
				: null;
		this.readTimeout = requirePositive(readTimeout, "readTimeout");
		this.client = HttpClient.newBuilder()
			.connectTimeout(requirePositive(connectTimeout, "connectTimeout"))
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	private static Duration requirePositive(Duration duration, String name) {
		Objects.requireNonNull(duration, name);
		if (duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(name + " must be positive");
		}
		return duration;
	}

	/**
	 * The base URL (without credentials, which it never holds).
	 * @return the base URL
	 */
	public URI url() {
		return this.base;
	}

	/**
	 * GET a path of the API.
	 * @param path the path below the base URL, starting with {@code /}
	 * @param ifNoneMatch an entity tag for {@code If-None-Match}, or {@code null}
	 * @param maxBytes largest body accepted
	 * @return the answer, for any status other than 401, 403 and 5xx
	 * @throws TenantRegistryUnavailableException when the server cannot be reached, times out,
	 * answers 5xx or sends a body larger than {@code maxBytes}
	 * @throws IllegalStateException when the server refuses the credentials (401 or 403)
	 */
	Response get(String path, String ifNoneMatch, int maxBytes) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + path))
			.GET()
			.timeout(this.readTimeout)
			.header("Accept", "application/json");
		if (this.authorization != null) {
			request.header("Authorization", this.authorization);
		}
		if (ifNoneMatch != null) {
			request.header("If-None-Match", ifNoneMatch);
		}
		HttpResponse<byte[]> response;
		CompletableFuture<HttpResponse<byte[]>> future = this.client.sendAsync(request.build(),
				(info) -> new BoundedBody(maxBytes));
		try {
			response = future.get(this.readTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			future.cancel(true);
			Thread.currentThread().interrupt();
			throw failed(path, "interrupted", ex);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw failed(path, "no answer within " + this.readTimeout, ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (cause instanceof BoundedBody.TooLargeException) {
				this.lastAnswerNanos.set(System.nanoTime());
				throw new ConfigServerResponseException(
						"Config server answered GET " + path + " with a body larger than " + maxBytes + " bytes");
			}
			String reason = (cause instanceof HttpTimeoutException) ? "timed out"
					: (cause instanceof ConnectException) ? "connection refused" : cause.getClass().getSimpleName();
			throw failed(path, reason, cause);
		}
		int status = response.statusCode();
		if (status == 401 || status == 403) {
			this.lastFailure = "credentials refused (" + status + ")";
			String message = "Config server " + this.base + " refused the credentials of "
					+ ((this.username != null) ? "client '" + this.username + "'" : "an anonymous client") + " (HTTP "
					+ status + "): check tenancy.registry.config-server.username and password";
			if (this.authFailureLogged.compareAndSet(false, true)) {
				logger.error(message);
			}
			throw new IllegalStateException(message);
		}
		if (status >= 500) {
			throw failed(path, "HTTP " + status, null);
		}
		this.authFailureLogged.set(false);
		this.lastAnswerNanos.set(System.nanoTime());
		this.answers.incrementAndGet();
		this.lastFailure = null;
		return new Response(status, response.headers().firstValue("ETag").orElse(null), response.body());
	}

	private TenantRegistryUnavailableException failed(String path, String reason, Throwable cause) {
		this.lastFailure = reason;
		return new TenantRegistryUnavailableException(
				"Config server " + this.base + " did not answer GET " + path + ": " + reason, cause);
	}

	/**
	 * Whether the server answered (anything but 401, 403 or 5xx) within the given time.
	 * @param within how recent the answer must be
	 * @return {@code true} if it did
	 */
	public boolean answeredWithin(Duration within) {
		long last = this.lastAnswerNanos.get();
		return this.answers.get() > 0 && System.nanoTime() - last < within.toNanos();
	}

	/**
	 * Time since the server last answered.
	 * @return the time, or {@code null} if it never answered
	 */
	public Duration sinceLastAnswer() {
		return (this.answers.get() > 0) ? Duration.ofNanos(System.nanoTime() - this.lastAnswerNanos.get()) : null;
	}

	/**
	 * Why the last request failed.
	 * @return the reason, or {@code null} if the last request got an answer
	 */
	public String lastFailure() {
		return this.lastFailure;
	}

	@Override
	public String toString() {
		return "ConfigServerConnection[" + this.base + ((this.username != null) ? ", client " + this.username : "")
				+ "]";
	}

	/**
	 * An answer.
	 *
	 * @param status the HTTP status
	 * @param etag the {@code ETag} header, or {@code null}
	 * @param body the body, never larger than asked
	 */
	record Response(int status, String etag, byte[] body) {
	}

}
