package dev.tenancy.registry.bus;

import org.springframework.amqp.event.AmqpEvent;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.AsyncConsumerRestartedEvent;
import org.springframework.amqp.rabbit.listener.AsyncConsumerStartedEvent;
import org.springframework.amqp.rabbit.listener.AsyncConsumerStoppedEvent;
import org.springframework.amqp.rabbit.listener.ListenerContainerConsumerFailedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Tells {@link TenantChangePush} when the bus consumer is subscribed: Spring AMQP's
 * listener containers publish their consumers' life as application events (the Spring
 * Cloud Stream binder's container through its child context), and only the bus input's
 * container counts: its queues are named {@code <bus destination>.<group or
 * anonymous>...}.
 * <p>
 * A consumer that (re)started has just declared its queue and subscribed, so a catch-up
 * from that moment on misses nothing; a consumer that failed or stopped is disconnected.
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
		if (!(event.getSource() instanceof AbstractMessageListenerContainer container) || !isBusInput(container)) {
			return;
		}
		if (event instanceof AsyncConsumerStartedEvent || event instanceof AsyncConsumerRestartedEvent) {
			this.push.connected();
		}
		else if (event instanceof ListenerContainerConsumerFailedEvent || event instanceof AsyncConsumerStoppedEvent) {
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
