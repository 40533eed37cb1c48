package dev.tenancy.configserver.console;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A tenant's last hour as the console draws it: requests and rate-limit rejections per
 * minute, oldest first, as two lines of a small server-rendered SVG chart (no script).
 *
 * @param available whether there is data
 * @param note what the chart shows, or why there is none
 * @param requests requests per minute, oldest first
 * @param rejected rate-limit rejections (429) per minute, oldest first
 */
public record UsageChart(boolean available, String note, List<Long> requests, List<Long> rejected) {

	/** Width of the drawing, in SVG units. */
	public static final int WIDTH = 600;

	/** Height of the drawing, in SVG units. */
	public static final int HEIGHT = 120;

	public UsageChart {
		requests = List.copyOf(requests);
		rejected = List.copyOf(rejected);
	}

	/**
	 * No data, and why.
	 * @param note why
	 * @return the chart
	 */
	public static UsageChart unavailable(String note) {
		return new UsageChart(false, note, List.of(), List.of());
	}

	/**
	 * @return requests in the hour
	 */
	public long totalRequests() {
		return this.requests.stream().mapToLong(Long::longValue).sum();
	}

	/**
	 * @return rejections in the hour
	 */
	public long totalRejected() {
		return this.rejected.stream().mapToLong(Long::longValue).sum();
	}

	/**
	 * @return the highest value per minute, at least 1
	 */
	public long peak() {
		return Math.max(1, Math.max(this.requests.stream().mapToLong(Long::longValue).max().orElse(0),
				this.rejected.stream().mapToLong(Long::longValue).max().orElse(0)));
	}

	/**
	 * @return the SVG {@code points} of the requests line
	 */
	public String requestPoints() {
		return points(this.requests);
	}

	/**
	 * @return the SVG {@code points} of the rejections line
	 */
	public String rejectedPoints() {
		return points(this.rejected);
	}

	private String points(List<Long> values) {
		if (values.isEmpty()) {
			return "";
		}
		long peak = peak();
		double step = (values.size() > 1) ? (double) WIDTH / (values.size() - 1) : 0;
		return IntStream.range(0, values.size())
			.mapToObj((i) -> String.format(Locale.ROOT, "%.1f,%.1f", i * step,
					(HEIGHT - 10) - (values.get(i) * (HEIGHT - 20.0) / peak)))
			.collect(Collectors.joining(" "));
	}

}
