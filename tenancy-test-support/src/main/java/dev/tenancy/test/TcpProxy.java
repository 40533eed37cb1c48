package dev.tenancy.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy inside the test JVM, to make a server "go down" for one client without
 * stopping the shared server: point the client at {@link #host()}:{@link #port()}, then
 * {@link #cut()} closes every proxied connection and refuses new ones (they are accepted
 * and closed at once, so a client fails fast instead of waiting for a timeout) until
 * {@link #restore()}. {@link #freeze()} is the nastier failure: connections stay open but
 * no byte gets through, like a peer that vanished without a reset.
 */
public final class TcpProxy implements AutoCloseable {

	private final String targetHost;

	private final int targetPort;

	private final ServerSocket server;

	private final Thread acceptor;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private final AtomicLong accepted = new AtomicLong();

	private volatile boolean cut;

	private volatile boolean frozen;

	private volatile boolean closed;

	/**
	 * Start a proxy on 127.0.0.1 and an ephemeral port.
	 * @param targetHost where to forward to
	 * @param targetPort the port to forward to
	 */
	public TcpProxy(String targetHost, int targetPort) {
		this.targetHost = targetHost;
		this.targetPort = targetPort;
		try {
			this.server = new ServerSocket();
			this.server.setReuseAddress(true);
			this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + port());
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/**
	 * A proxy in front of the server of a JDBC URL such as
	 * {@code jdbc:postgresql://host:port/db?...}.
	 * @param jdbcUrl the URL
	 * @return the started proxy
	 */
	public static TcpProxy forJdbcUrl(String jdbcUrl) {
		URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
		return new TcpProxy(uri.getHost(), (uri.getPort() > 0) ? uri.getPort() : 5432);
	}

	/**
	 * The same JDBC URL with host and port replaced by this proxy's.
	 * @param jdbcUrl a URL such as {@code jdbc:postgresql://host:port/db?...}
	 * @return the URL through the proxy
	 */
	public String jdbcUrl(String jdbcUrl) {
		String prefix = "jdbc:postgresql://";
		if (!jdbcUrl.startsWith(prefix)) {
			throw new IllegalArgumentException("Not a PostgreSQL JDBC URL");
		}
		int end = jdbcUrl.indexOf('/', prefix.length());
		return prefix + host() + ":" + port() + ((end >= 0) ? jdbcUrl.substring(end) : "");
	}

	/**
	 * @return the host clients connect to
	 */
	public String host() {
		return "127.0.0.1";
	}

	/**
	 * @return the port clients connect to
	 */
	public int port() {
		return this.server.getLocalPort();
	}

	/**
	 * @return how many client connections were accepted so far (refused ones included)
	 */
	public long accepted() {
		return this.accepted.get();
	}

	/**
	 * @return how many proxied connections are open
	 */
	public int openConnections() {
		return this.sockets.size() / 2;
	}

	/**
	 * @return whether the proxy is cut
	 */
	public boolean isCut() {
		return this.cut;
	}

	/**
	 * Close every proxied connection and refuse new ones until {@link #restore()}.
	 */
	public void cut() {
		this.cut = true;
		closeAll();
	}

	/**
	 * Keep every connection open but forward nothing, in either direction, until
	 * {@link #restore()}.
	 */
	public void freeze() {
		this.frozen = true;
	}

	/**
	 * Accept and forward connections again.
	 */
	public void restore() {
		this.cut = false;
		this.frozen = false;
	}

	@Override
	public void close() {
		this.closed = true;
		this.cut = true;
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
		closeAll();
		try {
			this.acceptor.join(2000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void closeAll() {
		for (Socket socket : this.sockets) {
			closeQuietly(socket);
		}
		this.sockets.clear();
	}

	private void acceptLoop() {
		while (!this.closed) {
			Socket client;
			try {
				client = this.server.accept();
			}
			catch (IOException ex) {
				if (this.closed) {
					return;
				}
				continue;
			}
			this.accepted.incrementAndGet();
			if (this.cut) {
				closeQuietly(client);
				continue;
			}
			Socket upstream = new Socket();
			try {
				client.setTcpNoDelay(true);
				upstream.setTcpNoDelay(true);
				upstream.connect(new InetSocketAddress(this.targetHost, this.targetPort), 2000);
			}
			catch (IOException ex) {
				closeQuietly(client);
				closeQuietly(upstream);
				continue;
			}
			this.sockets.add(client);
			this.sockets.add(upstream);
			if (this.cut) {
				// cut() ran between the check and registration: do not let this one
				// through
				this.sockets.remove(client);
				this.sockets.remove(upstream);
				closeQuietly(client);
				closeQuietly(upstream);
				continue;
			}
			startPump(client, upstream);
			startPump(upstream, client);
		}
	}

	// Platform daemon threads: the test kit is built for Java 17 like the library.
	private void startPump(Socket from, Socket to) {
		Thread pump = new Thread(() -> pump(from, to), "tcp-proxy-pump");
		pump.setDaemon(true);
		pump.start();
	}

	private void pump(Socket from, Socket to) {
		byte[] buffer = new byte[16 * 1024];
		try (InputStream in = from.getInputStream()) {
			OutputStream out = to.getOutputStream();
			int read;
			while ((read = in.read(buffer)) >= 0) {
				while (this.frozen && !this.closed) {
					LockSupport.parkNanos(2_000_000);
				}
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (SocketException ex) {
			// closed by cut() or by the other side
		}
		catch (IOException ex) {
			// treated like a closed connection
		}
		finally {
			this.sockets.remove(from);
			this.sockets.remove(to);
			closeQuietly(from);
			closeQuietly(to);
		}
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// nothing to do
		}
	}

}
