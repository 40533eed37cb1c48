package dev.tenancy.test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The config server's tenant API, served from memory by the JDK's HTTP server on
 * loopback, with a switch to stop and start it (on the same port).
 */
public final class FakeTenantApi implements AutoCloseable {

	public static final String USERNAME = "sample-app";

	public static final String PASSWORD = "sample-app-secret";

	private final Map<String, Entry> tenants = new ConcurrentHashMap<>();

	private final List<Change> changes = new ArrayList<>();

	/** Counts GET /tenants/{id} requests per tenant. */
	public final Map<String, AtomicInteger> tenantRequests = new ConcurrentHashMap<>();

	/** Counts 304 answers. */
	public final AtomicInteger notModified = new AtomicInteger();

	/** Counts changes-feed polls. */
	public final AtomicInteger polls = new AtomicInteger();

	/** Replaces the body of GET /tenants/{id} when it returns non-null: id to body. */
	public final AtomicReference<Function<String, String>> bodyOverride = new AtomicReference<>((id) -> null);

	/** When set, the changes feed answers 410 Gone once. */
	public volatile boolean cursorGoneOnce;

	private int port;

	private HttpServer server;

	public FakeTenantApi() {
		start();
	}

	public synchronized void start() {
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 50);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		this.port = this.server.getAddress().getPort();
		this.server.createContext("/tenants", this::handle);
		this.server.start();
	}

	public synchronized void stop() {
		if (this.server != null) {
			this.server.stop(0);
			this.server = null;
		}
	}

	public URI url() {
		return URI.create("http://127.0.0.1:" + this.port);
	}

	public int port() {
		return this.port;
	}

	/**
	 * Create or change a tenant (status in lower case, config as JSON) and publish the
	 * change.
	 */
	public synchronized void put(String id, String displayName, String status, String configJson) {
		Entry previous = this.tenants.get(id);
		long version = (previous != null) ? previous.version + 1 : 1;
		this.tenants.put(id, new Entry(displayName, status, version, configJson));
		this.changes.add(new Change(this.changes.size() + 1, id,
				(previous == null) ? "created" : status.equals("suspended") ? "suspended" : "updated", version));
	}

	public synchronized void delete(String id) {
		Entry previous = this.tenants.remove(id);
		this.changes
			.add(new Change(this.changes.size() + 1, id, "deleted", (previous != null) ? previous.version + 1 : 1));
	}

	public int requestsFor(String id) {
		AtomicInteger count = this.tenantRequests.get(id);
		return (count != null) ? count.get() : 0;
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String auth = exchange.getRequestHeaders().getFirst("Authorization");
			String expected = "Basic "
					+ Base64.getEncoder().encodeToString((USERNAME + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
			if (!expected.equals(auth)) {
				send(exchange, 401, "application/problem+json", "{\"status\":401,\"code\":\"unauthorized\"}", null);
				return;
			}
			String path = exchange.getRequestURI().getPath();
			String query = exchange.getRequestURI().getQuery();
			if (path.equals("/tenants/changes/latest")) {
				synchronized (this) {
					send(exchange, 200, "application/json", "{\"cursor\":" + this.changes.size() + "}", null);
				}
				return;
			}
			if (path.equals("/tenants/changes")) {
				this.polls.incrementAndGet();
				if (this.cursorGoneOnce) {
					this.cursorGoneOnce = false;
					send(exchange, 410, "application/problem+json", "{\"status\":410}", null);
					return;
				}
				long after = Long.parseLong(param(query, "after"));
				int limit = Integer.parseInt(param(query, "limit"));
				StringBuilder body = new StringBuilder("{\"changes\":[");
				long last = after;
				synchronized (this) {
					int n = 0;
					for (Change change : this.changes) {
						if (change.cursor > after && n < limit) {
							body.append((n++ > 0) ? "," : "")
								.append("{\"cursor\":")
								.append(change.cursor)
								.append(",\"tenant\":\"")
								.append(change.tenant)
								.append("\",\"action\":\"")
								.append(change.action)
								.append("\",\"version\":")
								.append(change.version)
								.append('}');
							last = change.cursor;
						}
					}
				}
				body.append("],\"cursor\":").append(last).append('}');
				send(exchange, 200, "application/json", body.toString(), null);
				return;
			}
			String id = path.substring("/tenants/".length());
			this.tenantRequests.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
			String override = this.bodyOverride.get().apply(id);
			if (override != null) {
				send(exchange, 200, "application/json", override, null);
				return;
			}
			Entry entry = this.tenants.get(id);
			if (entry == null) {
				send(exchange, 404, "application/problem+json", "{\"status\":404,\"code\":\"tenant_not_found\"}", null);
				return;
			}
			String etag = "\"" + entry.version + "\"";
			if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
				this.notModified.incrementAndGet();
				exchange.getResponseHeaders().set("ETag", etag);
				exchange.sendResponseHeaders(304, -1);
				return;
			}
			send(exchange, 200, "application/json",
					"{\"id\":\"" + id + "\",\"displayName\":\"" + entry.displayName + "\",\"status\":\"" + entry.status
							+ "\",\"version\":" + entry.version + ",\"config\":" + entry.config + "}",
					etag);
		}
	}

	private static String param(String query, String name) {
		for (String pair : query.split("&")) {
			if (pair.startsWith(name + "=")) {
				return pair.substring(name.length() + 1);
			}
		}
		throw new IllegalArgumentException(name);
	}

	private static void send(HttpExchange exchange, int status, String type, String body, String etag)
			throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", type);
		if (etag != null) {
			exchange.getResponseHeaders().set("ETag", etag);
		}
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Override
	public void close() {
		stop();
	}

	private record Entry(String displayName, String status, long version, String config) {
	}

	private record Change(long cursor, String tenant, String action, long version) {
	}

}
