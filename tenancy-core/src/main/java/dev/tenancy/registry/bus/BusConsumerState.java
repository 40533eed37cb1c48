package dev.tenancy.registry.bus;

import org.springframework.amqp.event.AmqpEvent;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.AsyncConsumerStoppedEvent;
import org.springframework.amqp.rabbit.listener.ConsumeOkEvent;
import org.springframework.amqp.rabbit.listener.ListenerContainerConsumerFailedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Tells {@link TenantChangePush} when the bus consumer is subscribed: Spring AMQP's
 * listener containers publish their consumers' life as application events (the Spring
 * Cloud Stream binder's container through its child context), and only the bus input
 * counts: its queues are named {@code <bus destination>.<group or anonymous>...}.
 * <p>
 * Connected means the broker confirmed the subscription ({@link ConsumeOkEvent}): events
 * published from then on reach this instance, so a catch-up started at that moment misses
 * nothing. (A consumer's "started" and "restarted" events come before it has connected,
 * and a restart may fail.) A consumer that failed or stopped is disconnected.
 */
public final class BusConsumerState implements ApplicationListener<AmqpEvent> {

	private final TenantChangePush push;

	private final String queuePrefix;

	/**
	 * State for a bus destination.
	 * @param push told the state
	 * @param busDestination the bus destination ({@code spring.cloud.bus.destination},
	 * {@code springCloudBus} by default)
	 */
	public BusConsumerState(TenantChangePush push, String busDestination) {
		this.push = push;
		this.queuePrefix = busDestination + ".";
	}

	@Override
	public void onApplicationEvent(AmqpEvent event) {
		if (event instanceof ConsumeOkEvent ok) {
			if (ok.getQueue() != null && ok.getQueue().startsWith(this.queuePrefix)) {
				this.push.connected();
			}
		}
		else if ((event instanceof ListenerContainerConsumerFailedEvent || event instanceof AsyncConsumerStoppedEvent)
				&& event.getSource() instanceof AbstractMessageListenerContainer container && isBusInput(container)) {
			this.push.disconnected();
		}
	}

	private boolean isBusInput(AbstractMessageListenerContainer container) {
		for (String queue : container.getQueueNames()) {
			if (queue.startsWith(this.queuePrefix)) {
				return true;
			}
		}
		return false;
	}

}
