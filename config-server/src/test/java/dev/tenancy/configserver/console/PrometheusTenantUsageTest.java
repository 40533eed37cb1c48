package dev.tenancy.configserver.console;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tenancy.TenantId;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Usage from the apps' Prometheus endpoints: growth per minute, rejections apart, two
 * instances added up, a restarted instance, a source that is down, hostile lines.
 */
class PrometheusTenantUsageTest {

	private static final TenantId ACME = TenantId.of("acme");

	private final AtomicReference<String> first = new AtomicReference<>("");

	private final AtomicReference<String> second = new AtomicReference<>("");

	private HttpServer server;

	private MutableClock clock;

	private PrometheusTenantUsage usage;

	@BeforeEach
	void start() throws Exception {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 19371), 0);
		this.server.createContext("/one", (exchange) -> answer(exchange, this.first.get()));
		this.server.createContext("/two", (exchange) -> answer(exchange, this.second.get()));
		this.server.createContext("/down", (exchange) -> {
			exchange.sendResponseHeaders(503, -1);
			exchange.close();
		});
		this.server.start();
		this.clock = new MutableClock(Instant.parse("2026-01-01T10:00:10Z"));
		this.usage = new PrometheusTenantUsage(
				new ConsoleProperties.Usage(List.of(uri("/one"), uri("/two"), uri("/down")), Duration.ofMinutes(1),
						Duration.ofSeconds(2)),
				this.clock, false);
	}

	@AfterEach
	void stop() {
		this.server.stop(0);
	}

	@Test
	void growthPerMinuteOfEveryInstanceWithRejectionsApart() {
		this.first.set(metrics(100, 0));
		this.second.set(metrics(50, 5));
		this.usage.sample(); // baseline

		this.clock.plus(Duration.ofMinutes(1));
		this.first.set(metrics(130, 4));
		this.second.set(metrics(60, 5));
		this.usage.sample();

		UsageChart chart = this.usage.lastHour(ACME);
		assertThat(chart.available()).isTrue();
		assertThat(chart.requests()).hasSize(60);
		assertThat(chart.requests().get(59)).isEqualTo(30 + 4 + 10);
		assertThat(chart.rejected().get(59)).isEqualTo(4);
		assertThat(chart.totalRequests()).isEqualTo(44);
		assertThat(chart.requestPoints()).isNotBlank();

		// an hour later the minute has left the chart
		this.clock.plus(Duration.ofMinutes(60));
		assertThat(this.usage.lastHour(ACME).totalRequests()).isZero();
	}

	@Test
	void aRestartedInstanceCountsFromZero() {
		this.first.set(metrics(1000, 10));
		this.usage.sample();
		this.clock.plus(Duration.ofMinutes(1));
		this.first.set(metrics(7, 1));
		this.usage.sample();

		UsageChart chart = this.usage.lastHour(ACME);
		assertThat(chart.requests().get(59)).isEqualTo(8);
		assertThat(chart.rejected().get(59)).isEqualTo(1);
	}

	@Test
	void hostileLinesAreIgnored() {
		String hostile = String.join("\n", "tenancy_requests_total{outcome=\"served\",tenant_id=\"../etc\"} 5.0",
				"tenancy_requests_total{outcome=\"served\",tenant_id=\"acme\"} NaN",
				"tenancy_requests_total{outcome=\"served\",tenant_id=\"acme\"} -3",
				"tenancy_requests_total{outcome=\"served\",tenant_id=\"acme\"} +Inf",
				"tenancy_requests_total{outcome=\"served\" tenant_id=acme} 9", "# HELP tenancy_requests_total x",
				"tenancy_requests_total{outcome=\"served\",tenant_id=\"acme\"} 2.0");

		assertThat(PrometheusTenantUsage.parse(hostile)).containsOnlyKeys("acme");
		assertThat(PrometheusTenantUsage.parse(hostile).get("acme")).containsExactly(2, 0);
	}

	@Test
	void noSourcesNoChart() {
		PrometheusTenantUsage none = new PrometheusTenantUsage(
				new ConsoleProperties.Usage(List.of(), Duration.ofMinutes(1), Duration.ofSeconds(1)), this.clock,
				false);

		assertThat(none.lastHour(ACME).available()).isFalse();
		assertThat(none.lastHour(ACME).note()).contains("No usage source");
	}

	private static String metrics(long served, long rejected) {
		return "# TYPE tenancy_requests_total counter\n"
				+ "tenancy_requests_total{application=\"sample-app\",outcome=\"served\",tenant_id=\"acme\"} " + served
				+ ".0\n"
				+ "tenancy_requests_total{application=\"sample-app\",outcome=\"rate_limited\",tenant_id=\"acme\"} "
				+ rejected + ".0\n" + "tenancy_requests_total{outcome=\"served\",tenant_id=\"globex\"} 3.0\n";
	}

	private static URI uri(String path) {
		return URI.create("http://127.0.0.1:19371" + path);
	}

	private static void answer(com.sun.net.httpserver.HttpExchange exchange, String body) throws java.io.IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.sendResponseHeaders(200, bytes.length);
		exchange.getResponseBody().write(bytes);
		exchange.close();
	}

	static final class MutableClock extends Clock {

		private Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void plus(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public java.time.ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}
