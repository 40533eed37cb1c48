package dev.tenancy.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TcpProxyTest {

	ServerSocket echo;

	Thread echoThread;

	TcpProxy proxy;

	@BeforeEach
	void start() throws IOException {
		this.echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.echoThread = Thread.ofPlatform().daemon().start(() -> {
			while (!this.echo.isClosed()) {
				try {
					Socket socket = this.echo.accept();
					Thread.ofVirtual().start(() -> {
						try (socket) {
							socket.getInputStream().transferTo(socket.getOutputStream());
						}
						catch (IOException ex) {
							// client gone
						}
					});
				}
				catch (IOException ex) {
					return;
				}
			}
		});
		this.proxy = new TcpProxy("127.0.0.1", this.echo.getLocalPort());
	}

	@AfterEach
	void stop() throws IOException {
		this.proxy.close();
		this.echo.close();
	}

	@Test
	void forwardsBothWays() throws IOException {
		try (Socket client = connect()) {
			assertThat(roundTrip(client, "hello")).isEqualTo("hello");
			assertThat(roundTrip(client, "again")).isEqualTo("again");
			assertThat(this.proxy.openConnections()).isEqualTo(1);
		}
	}

	@Test
	void cutClosesOpenConnectionsAndRefusesNewOnesUntilRestored() throws IOException {
		try (Socket client = connect()) {
			assertThat(roundTrip(client, "before")).isEqualTo("before");
			this.proxy.cut();
			assertThat(client.getInputStream().read()).as("closed by the proxy").isEqualTo(-1);
		}
		try (Socket refused = connect()) {
			assertThat(refused.getInputStream().read()).as("accepted and closed at once").isEqualTo(-1);
		}
		this.proxy.restore();
		try (Socket client = connect()) {
			assertThat(roundTrip(client, "after")).isEqualTo("after");
		}
	}

	@Test
	void freezeKeepsConnectionsOpenButSilent() throws IOException {
		try (Socket client = connect()) {
			this.proxy.freeze();
			client.getOutputStream().write("lost?".getBytes(StandardCharsets.US_ASCII));
			client.setSoTimeout(300);
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> client.getInputStream().read());
			this.proxy.restore();
			client.setSoTimeout(2000);
			assertThat(new String(client.getInputStream().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("lost?");
		}
	}

	@Test
	void rewritesJdbcUrls() {
		assertThat(this.proxy.jdbcUrl("jdbc:postgresql://db.example:6543/app?user=x&password=y"))
			.isEqualTo("jdbc:postgresql://127.0.0.1:" + this.proxy.port() + "/app?user=x&password=y");
		try (TcpProxy other = TcpProxy.forJdbcUrl("jdbc:postgresql://127.0.0.1:" + this.echo.getLocalPort() + "/db")) {
			assertThat(other.port()).isPositive().isNotEqualTo(this.proxy.port());
		}
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket(this.proxy.host(), this.proxy.port());
		socket.setSoTimeout(2000);
		return socket;
	}

	private static String roundTrip(Socket client, String text) throws IOException {
		OutputStream out = client.getOutputStream();
		InputStream in = client.getInputStream();
		byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
		out.write(bytes);
		out.flush();
		return new String(in.readNBytes(bytes.length), StandardCharsets.US_ASCII);
	}

}
