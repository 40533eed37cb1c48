package dev.tenancy.test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An OAuth 2.0 / OpenID Connect identity provider for tests, served by the JDK's HTTP
 * server on loopback: it publishes a JWK set ({@code /jwks}) and its metadata
 * ({@code /.well-known/openid-configuration}), and signs RS256 tokens with keys generated
 * in memory. It can be stopped and started again (on the same port), slowed down, made to
 * fail, and it counts what it was asked. <pre>
 * try (FakeIdentityProvider idp = new FakeIdentityProvider()) {
 *     String token = idp.token((claims) -&gt; claims.subject("alice").claim("tenant_id", "acme"));
 *     // point spring.security.oauth2.resourceserver.jwt.issuer-uri at idp.issuer()
 * }
 * </pre> Needs {@code nimbus-jose-jwt} on the classpath (it comes with Spring Security's
 * OAuth 2.0 JOSE support).
 */
public final class FakeIdentityProvider implements AutoCloseable {

	/** Path of the JWK set. */
	public static final String JWKS_PATH = "/jwks";

	/** Path of the OpenID Connect discovery document. */
	public static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

	private final List<RSAKey> published = new CopyOnWriteArrayList<>();

	private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

	private final ExecutorService executor = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "fake-identity-provider");
		thread.setDaemon(true);
		return thread;
	});

	private final RSAKey signingKey;

	private volatile Duration delay = Duration.ZERO;

	private volatile int failureStatus;

	private volatile String bodyOverride;

	private int port;

	private HttpServer server;

	/**
	 * Start an identity provider on a free loopback port with one published signing key,
	 * {@code key-1}.
	 */
	public FakeIdentityProvider() {
		this.signingKey = newKey("key-1");
		this.published.add(this.signingKey);
		start();
	}

	/**
	 * Start serving (again, on the same port after a {@link #stop()}).
	 */
	public synchronized void start() {
		if (this.server != null) {
			return;
		}
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 50);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot listen on port " + this.port, ex);
		}
		this.port = this.server.getAddress().getPort();
		this.server.setExecutor(this.executor);
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	/**
	 * Stop serving: connections are then refused until {@link #start()}.
	 */
	public synchronized void stop() {
		if (this.server != null) {
			this.server.stop(0);
			this.server = null;
		}
	}

	/**
	 * The issuer identifier ({@code iss} of its tokens, and where its metadata is).
	 * @return the issuer, {@code http://127.0.0.1:<port>}
	 */
	public String issuer() {
		return "http://127.0.0.1:" + this.port;
	}

	/**
	 * The JWK set URI.
	 * @return the URI
	 */
	public URI jwkSetUri() {
		return URI.create(issuer() + JWKS_PATH);
	}

	/**
	 * The port it listens on.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Answer every request only after this delay (zero for none).
	 * @param delay the delay
	 */
	public void delay(Duration delay) {
		this.delay = delay;
	}

	/**
	 * Answer every request with this HTTP status and an empty JSON object, or answer
	 * normally again with {@code 0}.
	 * @param status the status, or {@code 0}
	 */
	public void failWith(int status) {
		this.failureStatus = status;
	}

	/**
	 * Answer the JWK set with this body instead of the keys, or answer normally again
	 * with {@code null}.
	 * @param body the body, or {@code null}
	 */
	public void jwksBody(String body) {
		this.bodyOverride = body;
	}

	/**
	 * How many times the JWK set was asked for.
	 * @return the count
	 */
	public int jwksRequests() {
		return requests(JWKS_PATH);
	}

	/**
	 * How many times a path was asked for.
	 * @param path the path
	 * @return the count
	 */
	public int requests(String path) {
		AtomicInteger count = this.requests.get(path);
		return (count != null) ? count.get() : 0;
	}

	/**
	 * Forget the request counts.
	 */
	public void resetCounts() {
		this.requests.clear();
	}

	/**
	 * Generate a new RSA signing key (2048 bits). It is not published until
	 * {@link #publish}.
	 * @param kid the key id
	 * @return the key, with its private part
	 */
	public static RSAKey newKey(String kid) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			KeyPair pair = generator.generateKeyPair();
			return new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
				.keyID(kid)
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.RS256)
				.build();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A key that is not published, with the given key id: tokens signed with it name a
	 * key the identity provider does not have. All such keys share one key pair
	 * (generating RSA keys is slow), so only the id differs.
	 * @param kid the key id
	 * @return the key, with its private part
	 */
	public static RSAKey unpublishedKey(String kid) {
		return new RSAKey.Builder(SpareKey.KEY).keyID(kid).build();
	}

	/**
	 * A token signed with a key that is not published, naming it by {@code kid}.
	 * @param kid the key id
	 * @return the serialized token
	 */
	public String tokenWithUnknownKey(String kid) {
		return token(unpublishedKey(kid), JOSEObjectType.JWT, (claims) -> {
		});
	}

	/**
	 * Publish a key in the JWK set (its public part).
	 * @param key the key
	 */
	public void publish(RSAKey key) {
		this.published.add(key);
	}

	/**
	 * Remove a key from the JWK set.
	 * @param kid the key id
	 */
	public void unpublish(String kid) {
		this.published.removeIf((key) -> kid.equals(key.getKeyID()));
	}

	/**
	 * The published signing key {@code key-1}.
	 * @return the key, with its private part
	 */
	public RSAKey signingKey() {
		return this.signingKey;
	}

	/**
	 * A token signed with {@code key-1}, typ {@code JWT}, issued by this provider, valid
	 * for five minutes; the claims may be changed or added to.
	 * @param claims adds or changes claims
	 * @return the serialized token
	 */
	public String token(Consumer<JWTClaimsSet.Builder> claims) {
		return token(this.signingKey, JOSEObjectType.JWT, claims);
	}

	/**
	 * A token signed with the given key (published or not), its {@code kid} in the
	 * header.
	 * @param key the signing key
	 * @param type the {@code typ} header, or {@code null} for none
	 * @param claims adds or changes claims
	 * @return the serialized token
	 */
	public String token(RSAKey key, JOSEObjectType type, Consumer<JWTClaimsSet.Builder> claims) {
		Instant now = Instant.now();
		JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer(issuer())
			.subject("test-user")
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(300)));
		claims.accept(builder);
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(type).build(), builder.build());
		try {
			jwt.sign(new RSASSASigner(key));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String path = exchange.getRequestURI().getPath();
			this.requests.computeIfAbsent(path, (key) -> new AtomicInteger()).incrementAndGet();
			Duration wait = this.delay;
			if (!wait.isZero()) {
				try {
					Thread.sleep(wait.toMillis());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
			int failure = this.failureStatus;
			if (failure != 0) {
				send(exchange, failure, "{}");
				return;
			}
			switch (path) {
				case JWKS_PATH -> {
					String override = this.bodyOverride;
					send(exchange, 200, (override != null) ? override : jwks());
				}
				case DISCOVERY_PATH -> send(exchange, 200, "{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\""
						+ jwkSetUri() + "\",\"id_token_signing_alg_values_supported\":[\"RS256\"]}");
				default -> send(exchange, 404, "{}");
			}
		}
	}

	private String jwks() {
		List<JWK> keys = new ArrayList<>();
		for (RSAKey key : this.published) {
			keys.add(key.toPublicJWK());
		}
		return new JWKSet(keys).toString();
	}

	private static void send(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Override
	public void close() {
		stop();
		this.executor.shutdownNow();
	}

	private static final class SpareKey {

		static final RSAKey KEY = newKey("spare");

	}

}
