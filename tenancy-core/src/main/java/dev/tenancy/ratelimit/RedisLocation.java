package dev.tenancy.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;

/**
 * Where the rate limiter's Redis is: a standalone server, a master named by Redis
 * Sentinels, or a Redis Cluster, with credentials and TLS. It is built from the
 * application's connection details (Spring Boot's, by the starter) or from the limiter's
 * own settings, and turned into Lettuce's {@link RedisURI}s only here, so that address
 * rules live in one place.
 * <p>
 * {@link #toString()} never shows credentials.
 *
 * @param topology how the servers are organised
 * @param nodes the standalone server, the sentinels, or some of the cluster's nodes
 * @param master the master's name (Sentinel only)
 * @param database the database index (not for a cluster)
 * @param username the user of the data nodes, or {@code null}
 * @param password the password of the data nodes, or {@code null}
 * @param sentinelUsername the user of the sentinels, or {@code null}
 * @param sentinelPassword the password of the sentinels, or {@code null}
 * @param ssl whether to connect with TLS
 * @param sslOptions key and trust material and protocols for TLS, or {@code null} for the
 * JDK's
 */
public record RedisLocation(Topology topology, List<Node> nodes, String master, int database, String username,
		String password, String sentinelUsername, String sentinelPassword, boolean ssl, SslOptions sslOptions) {

	/** How the servers are organised. */
	public enum Topology {

		/** One server. */
		STANDALONE,

		/** A master named by Redis Sentinels. */
		SENTINEL,

		/** A Redis Cluster. */
		CLUSTER

	}

	/**
	 * A server's address.
	 *
	 * @param host the host
	 * @param port the port
	 */
	public record Node(String host, int port) {

		public Node {
			if (host == null || host.isBlank()) {
				throw new IllegalArgumentException("A Redis node needs a host");
			}
			if (port < 1 || port > 65535) {
				throw new IllegalArgumentException("A Redis node's port must be within 1 and 65535, not " + port);
			}
		}

		@Override
		public String toString() {
			return (this.host.indexOf(':') >= 0) ? "[" + this.host + "]:" + this.port : this.host + ":" + this.port;
		}

	}

	public RedisLocation {
		Objects.requireNonNull(topology, "topology");
		nodes = List.copyOf(nodes);
		if (nodes.isEmpty()) {
			throw new IllegalArgumentException("A Redis location needs at least one node");
		}
		if (topology == Topology.SENTINEL && (master == null || master.isBlank())) {
			throw new IllegalArgumentException("A Sentinel-managed Redis needs the master's name");
		}
		if (database < 0) {
			throw new IllegalArgumentException("A Redis database index must not be negative");
		}
		ssl = ssl || sslOptions != null;
	}

	/**
	 * A standalone server.
	 * @param host the host
	 * @param port the port
	 * @param database the database index
	 * @return the location, without credentials or TLS
	 */
	public static RedisLocation standalone(String host, int port, int database) {
		return new RedisLocation(Topology.STANDALONE, List.of(new Node(host, port)), null, database, null, null, null,
				null, false, null);
	}

	/**
	 * A standalone server given as a {@code redis://} URI ({@code rediss://} for TLS),
	 * with its credentials and database if it has them.
	 * @param url the URI
	 * @param setting the setting it came from, for the error message
	 * @return the location
	 * @throws IllegalArgumentException when the URI is not a Redis URI
	 */
	public static RedisLocation url(String url, String setting) {
		RedisURI uri = uri(url, setting);
		if (uri.getHost() == null) {
			throw new IllegalArgumentException(setting + " is not a redis:// or rediss:// URI with a host");
		}
		char[] password = uri.getPassword();
		return new RedisLocation(Topology.STANDALONE, List.of(new Node(uri.getHost(), uri.getPort())), null,
				uri.getDatabase(), uri.getUsername(), (password != null) ? new String(password) : null, null, null,
				uri.isSsl(), null);
	}

	/**
	 * A master managed by Redis Sentinel.
	 * @param master the master's name
	 * @param sentinels the sentinels, as {@code host:port}
	 * @param database the database index
	 * @param setting the setting the sentinels came from, for the error message
	 * @return the location, without credentials or TLS
	 */
	public static RedisLocation sentinel(String master, List<String> sentinels, int database, String setting) {
		return new RedisLocation(Topology.SENTINEL, nodes(sentinels, setting), master, database, null, null, null, null,
				false, null);
	}

	/**
	 * A Redis Cluster.
	 * @param nodes some of its nodes, as {@code host:port} or {@code redis://} URIs
	 * @param setting the setting the nodes came from, for the error message
	 * @return the location, without credentials; TLS when a node is given as
	 * {@code rediss://}
	 */
	public static RedisLocation cluster(List<String> nodes, String setting) {
		boolean ssl = nodes.stream().anyMatch((node) -> node.strip().startsWith("rediss://"));
		return new RedisLocation(Topology.CLUSTER, nodes(nodes, setting), null, 0, null, null, null, null, ssl, null);
	}

	/**
	 * The same location with these credentials, unless it has a password already (from
	 * its URI).
	 * @param username the user, or {@code null}
	 * @param password the password, or {@code null}
	 * @return the location
	 */
	public RedisLocation withCredentials(String username, String password) {
		if (hasText(this.password) || !hasText(password)) {
			return this;
		}
		return new RedisLocation(this.topology, this.nodes, this.master, this.database,
				hasText(username) ? username : null, password, this.sentinelUsername, this.sentinelPassword, this.ssl,
				this.sslOptions);
	}

	/**
	 * The same location with these credentials for the sentinels.
	 * @param username the user, or {@code null}
	 * @param password the password, or {@code null}
	 * @return the location
	 */
	public RedisLocation withSentinelCredentials(String username, String password) {
		return new RedisLocation(this.topology, this.nodes, this.master, this.database, this.username, this.password,
				hasText(username) ? username : null, hasText(password) ? password : null, this.ssl, this.sslOptions);
	}

	/**
	 * The same location over TLS.
	 * @param options key and trust material and protocols, or {@code null} for the JDK's
	 * defaults
	 * @return the location
	 */
	public RedisLocation withSsl(SslOptions options) {
		return new RedisLocation(this.topology, this.nodes, this.master, this.database, this.username, this.password,
				this.sentinelUsername, this.sentinelPassword, true, options);
	}

	/**
	 * The standalone or Sentinel URI (for the client of one server), or the seed URIs of
	 * a cluster.
	 * @return fresh URIs, which the caller may change
	 */
	List<RedisURI> uris() {
		if (this.topology == Topology.CLUSTER) {
			List<RedisURI> seeds = new ArrayList<>();
			for (Node node : this.nodes) {
				seeds.add(
						withAuthentication(RedisURI.Builder.redis(node.host(), node.port()).withSsl(this.ssl)).build());
			}
			return seeds;
		}
		if (this.topology == Topology.SENTINEL) {
			RedisURI.Builder builder = RedisURI.builder().withSentinelMasterId(this.master);
			for (Node node : this.nodes) {
				RedisURI.Builder sentinel = RedisURI.Builder.redis(node.host(), node.port()).withSsl(this.ssl);
				if (hasText(this.sentinelPassword)) {
					if (hasText(this.sentinelUsername)) {
						sentinel.withAuthentication(this.sentinelUsername, this.sentinelPassword);
					}
					else {
						sentinel.withPassword(this.sentinelPassword.toCharArray());
					}
				}
				builder.withSentinel(sentinel.build());
			}
			return List.of(withAuthentication(builder.withDatabase(this.database).withSsl(this.ssl)).build());
		}
		Node node = this.nodes.get(0);
		return List.of(withAuthentication(
				RedisURI.Builder.redis(node.host(), node.port()).withDatabase(this.database).withSsl(this.ssl))
			.build());
	}

	private RedisURI.Builder withAuthentication(RedisURI.Builder builder) {
		if (hasText(this.password)) {
			if (hasText(this.username)) {
				builder.withAuthentication(this.username, this.password);
			}
			else {
				builder.withPassword(this.password.toCharArray());
			}
		}
		return builder;
	}

	/**
	 * @return where this is, without credentials, for logs and health
	 */
	public String describe() {
		String nodes = this.nodes.stream().map(Node::toString).collect(Collectors.joining(","));
		return switch (this.topology) {
			case STANDALONE -> nodes;
			case SENTINEL -> "master " + this.master + " of sentinels " + nodes;
			case CLUSTER -> "cluster " + nodes;
		};
	}

	@Override
	public String toString() {
		return "RedisLocation[" + describe() + (this.ssl ? ", tls" : "") + "]";
	}

	private static List<Node> nodes(List<String> values, String setting) {
		if (values == null || values.isEmpty()) {
			throw new IllegalArgumentException(setting + " names no node");
		}
		List<Node> nodes = new ArrayList<>();
		for (String value : values) {
			nodes.add(node(value, setting));
		}
		return nodes;
	}

	private static Node node(String value, String setting) {
		String node = (value != null) ? value.strip() : "";
		if (node.contains("://")) {
			RedisURI uri = uri(node, setting);
			return new Node(uri.getHost(), uri.getPort());
		}
		int colon = node.lastIndexOf(':');
		try {
			if (colon <= 0 || colon == node.length() - 1) {
				throw new IllegalArgumentException("no port");
			}
			String host = node.substring(0, colon);
			if (host.startsWith("[") && host.endsWith("]")) {
				host = host.substring(1, host.length() - 1);
			}
			return new Node(host, Integer.parseInt(node.substring(colon + 1)));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					setting + ": '" + value + "' is not host:port or a redis:// URI (" + ex.getMessage() + ")", ex);
		}
	}

	private static RedisURI uri(String value, String setting) {
		try {
			return RedisURI.create(value.strip());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(setting + " is not a valid Redis URI: " + ex.getMessage(), ex);
		}
	}

	private static boolean hasText(String value) {
		return value != null && !value.isEmpty();
	}

}
