package dev.tenancy.registry.remote;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.util.DefaultUriBuilderFactory;

import dev.tenancy.client.BoundedBody;
import dev.tenancy.registry.TenantRegistryUnavailableException;

/**
 * The HTTP side of the config server's tenant API: a Spring {@link RestClient} with
 * bounded connect and whole-answer times, HTTP basic credentials, bounded response
 * bodies, and a record of when the server last answered (for health).
 * <p>
 * The client is built from the {@link RestClient.Builder} it is given (Spring Boot's,
 * when the application has one, so that Boot's customizers apply: metrics and trace
 * propagation through observations, with the URI templates below as the {@code uri} tag,
 * never a tenant id), with a request factory of its own for the timeouts: the JDK client,
 * which connects within the connect timeout, never follows redirects, and abandons an
 * answer that is not complete within the read timeout.
 * <p>
 * Failures are mapped once, here: no connection, a timeout or a 5xx is a
 * {@link TenantRegistryUnavailableException}; 401 and 403 are an
 * {@link IllegalStateException} (the credentials are wrong: retrying will not help),
 * logged once until the server accepts them again. The password is never logged, nor part
 * of {@link #toString()}.
 */
public final class ConfigServerConnection {

	private static final Logger logger = LoggerFactory.getLogger(ConfigServerConnection.class);

	/** Expands paths for messages, as the client expands them for requests. */
	private static final DefaultUriBuilderFactory PATHS = new DefaultUriBuilderFactory();

	private final URI base;

	private final String username;

	private final String authorization;

	private final Duration readTimeout;

	private final RestClient client;

	private final AtomicLong lastAnswerNanos = new AtomicLong();

	private final AtomicLong answers = new AtomicLong();

	private final AtomicBoolean authFailureLogged = new AtomicBoolean();

	private volatile String lastFailure;

	/**
	 * Create a connection with a plain {@link RestClient}.
	 * @param url the config server's base URL, such as {@code http://config:8888}; the
	 * tenant API is under {@code {url}/tenants}
	 * @param username the client's name for HTTP basic, or {@code null} to send no
	 * credentials
	 * @param password the client's password
	 * @param connectTimeout longest wait for a TCP connection
	 * @param readTimeout longest wait for a whole answer
	 */
	public ConfigServerConnection(URI url, String username, String password, Duration connectTimeout,
			Duration readTimeout) {
		this(RestClient.builder(), url, username, password, connectTimeout, readTimeout);
	}

	/**
	 * Create a connection with a client built from the given builder (which is not
	 * changed).
	 * @param builder the builder, such as Spring Boot's
	 * @param url the config server's base URL, such as {@code http://config:8888}; the
	 * tenant API is under {@code {url}/tenants}
	 * @param username the client's name for HTTP basic, or {@code null} to send no
	 * credentials
	 * @param password the client's password
	 * @param connectTimeout longest wait for a TCP connection
	 * @param readTimeout longest wait for a whole answer
	 */
	public ConfigServerConnection(RestClient.Builder builder, URI url, String username, String password,
			Duration connectTimeout, Duration readTimeout) {
		this(builder, url, username, password, connectTimeout, readTimeout, null, null);
	}

	/**
	 * Create a connection with a client built from the given builder (which is not
	 * changed), for {@code https} with the given TLS material.
	 * @param builder the builder, such as Spring Boot's
	 * @param url the config server's base URL, such as {@code https://config:8888}; the
	 * tenant API is under {@code {url}/tenants}
	 * @param username the client's name for HTTP basic, or {@code null} to send no
	 * credentials
	 * @param password the client's password
	 * @param connectTimeout longest wait for a TCP connection
	 * @param readTimeout longest wait for a whole answer
	 * @param sslContext the trust (and, for mutual TLS, key) material, or {@code null}
	 * for the JDK's
	 * @param sslParameters protocols and cipher suites, or {@code null} for the JDK's
	 */
	public ConfigServerConnection(RestClient.Builder builder, URI url, String username, String password,
			Duration connectTimeout, Duration readTimeout, SSLContext sslContext, SSLParameters sslParameters) {
		Objects.requireNonNull(builder, "builder");
		Objects.requireNonNull(url, "url");
		if (!url.isAbsolute()
				|| !("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme()))
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
			.encodeToString(
					(this.username + ":" + ((password != null) ? password : "")).getBytes(StandardCharsets.UTF_8))
				: null;
		this.readTimeout = requirePositive(readTimeout, "readTimeout");
		HttpClient.Builder http = HttpClient.newBuilder()
			.connectTimeout(requirePositive(connectTimeout, "connectTimeout"))
			.followRedirects(HttpClient.Redirect.NEVER);
		if (sslContext != null) {
			http.sslContext(sslContext);
		}
		if (sslParameters != null) {
			http.sslParameters(sslParameters);
		}
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(http.build());
		// Spring's JDK request: the whole answer, body included, within this time.
		requestFactory.setReadTimeout(this.readTimeout);
		this.client = builder.clone().requestFactory(requestFactory).build();
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
	 * @param template the path below the base URL, starting with {@code /}, a URI
	 * template whose variables are expanded (and encoded) from {@code variables}
	 * @param ifNoneMatch an entity tag for {@code If-None-Match}, or {@code null}
	 * @param maxBytes largest body accepted
	 * @param variables the template's variables
	 * @return the answer, for any status other than 401, 403 and 5xx
	 * @throws TenantRegistryUnavailableException when the server cannot be reached, times
	 * out or answers 5xx
	 * @throws ConfigServerResponseException when the body is larger than {@code maxBytes}
	 * @throws IllegalStateException when the server refuses the credentials (401 or 403)
	 */
	Response get(String template, String ifNoneMatch, int maxBytes, Object... variables) {
		String path = PATHS.expand(template, variables).toString();
		Response response;
		try {
			response = this.client.get()
				.uri(this.base + template, variables)
				.accept(MediaType.APPLICATION_JSON)
				.headers((headers) -> {
					if (this.authorization != null) {
						headers.set(HttpHeaders.AUTHORIZATION, this.authorization);
					}
					if (ifNoneMatch != null) {
						headers.set(HttpHeaders.IF_NONE_MATCH, ifNoneMatch);
					}
				})
				// exchange: every status is ours to map, and the body is read within its
				// bound
				.exchange((request, answer) -> {
					int status = answer.getStatusCode().value();
					byte[] body = (status == 401 || status == 403 || status >= 500) ? new byte[0]
							: readBounded(answer.getBody(), answer.getHeaders().getContentLength(), maxBytes);
					return new Response(status, answer.getHeaders().getETag(), body);
				}, true);
		}
		catch (RestClientException ex) {
			Throwable cause = ex;
			while (cause.getCause() != null && !(cause instanceof IOException)) {
				cause = cause.getCause();
			}
			if (cause instanceof BoundedBody.TooLargeException) {
				this.lastAnswerNanos.set(System.nanoTime());
				throw new ConfigServerResponseException(
						"Config server answered GET " + path + " with a body larger than " + maxBytes + " bytes");
			}
			if (Thread.currentThread().isInterrupted()) {
				throw failed(path, "interrupted", cause);
			}
			String reason = (cause instanceof HttpTimeoutException) ? "timed out"
					: (cause instanceof ConnectException) ? "connection refused" : cause.getClass().getSimpleName();
			throw failed(path, reason, cause);
		}
		int status = response.status();
		if (status == 401 || status == 403) {
			this.lastFailure = "credentials refused (" + status + ")";
			String message = "Config server " + this.base + " refused the credentials of "
					+ ((this.username != null) ? "client '" + this.username + "'" : "an anonymous client") + " (HTTP "
					+ status + "): check tenancy.registry.config-server.username and password, or its token.* settings";
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
		return response;
	}

	private static byte[] readBounded(InputStream body, long contentLength, int maxBytes) throws IOException {
		if (contentLength > maxBytes) {
			throw new BoundedBody.TooLargeException(maxBytes);
		}
		return BoundedBody.read(body, maxBytes);
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
