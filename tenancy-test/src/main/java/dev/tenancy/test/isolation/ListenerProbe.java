package dev.tenancy.test.isolation;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.tenancy.test.tenant.TenantScope;

/**
 * Probes a message listener: sends as the owner and waits until the handler ran, then as
 * the intruder, and checks that the handler ran as the sender's tenant each time and as
 * no other. The handler reports the tenant it ran as through a {@link TenantRecorder}.
 * <pre>
 * ListenerProbe.named("TicketListener")
 *     .send(() -&gt; rabbit.convertAndSend("tickets", new TicketCreated("probe")))
 *     .recordedBy(recorder);
 * </pre> Waiting is bounded ({@link #waitingAtMost}, 10 seconds by default); a handler
 * that never runs fails the probe, since then nothing was proved.
 */
public final class ListenerProbe implements Probe {

	private final String name;

	private Runnable send;

	private TenantRecorder recorder;

	private Duration wait = Duration.ofSeconds(10);

	private ListenerProbe(String name) {
		this.name = name;
	}

	/**
	 * Probe a listener.
	 * @param name the name in the report
	 * @return the probe
	 */
	public static ListenerProbe named(String name) {
		return new ListenerProbe(name);
	}

	/**
	 * Sends one message, as the current tenant.
	 * @param send sends
	 * @return this
	 */
	public ListenerProbe send(Runnable send) {
		this.send = send;
		return this;
	}

	/**
	 * Where the handler records the tenant it runs as.
	 * @param recorder the recorder
	 * @return this
	 */
	public ListenerProbe recordedBy(TenantRecorder recorder) {
		this.recorder = recorder;
		return this;
	}

	/**
	 * How long to wait for the handler.
	 * @param wait the most to wait per message
	 * @return this
	 */
	public ListenerProbe waitingAtMost(Duration wait) {
		this.wait = wait;
		return this;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public void probe(String owner, String intruder, Findings findings) {
		Objects.requireNonNull(this.send, "ListenerProbe needs send(...)");
		Objects.requireNonNull(this.recorder, "ListenerProbe needs recordedBy(...)");
		this.recorder.clear();
		sendAndCheck(owner, findings);
		this.recorder.clear();
		sendAndCheck(intruder, findings);
	}

	private void sendAndCheck(String sender, Findings findings) {
		try (TenantScope scope = TenantScope.enter(sender)) {
			this.send.run();
		}
		List<String> seen = awaitHandled();
		String operation = "message sent as " + sender;
		if (seen.isEmpty()) {
			findings.leaked(operation, "the handler did not run within " + this.wait + ", so nothing was proved");
		}
		else if (seen.stream().allMatch(sender::equals)) {
			findings.isolated(operation, "handled as " + sender + " only (" + seen.size() + " time(s))");
		}
		else {
			findings.leaked(operation, "handled as " + seen);
		}
	}

	private List<String> awaitHandled() {
		long deadline = System.nanoTime() + this.wait.toNanos();
		while (this.recorder.seen().isEmpty() && System.nanoTime() < deadline) {
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		return this.recorder.seen();
	}

}
