package dev.tenancy.sample.helpdesk;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import dev.tenancy.context.TenantWork;

/**
 * Queues again the processing of messages that were stored but never processed (the
 * broker refused the message after the commit, or it was dead-lettered): every
 * {@code sample.helpdesk.relay-interval} (1 minute), for every active tenant in its own
 * tenant scope ({@link TenantWork}: context, log MDC and the RLS setting, as a request
 * has them), up to {@value #BATCH} messages older than a minute each. Processing is
 * idempotent (a processed message is skipped), so a message queued twice is processed
 * once.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class UnprocessedMessageRelay {

	static final int BATCH = 100;

	private static final Logger logger = LoggerFactory.getLogger(UnprocessedMessageRelay.class);

	private final TenantWork work;

	private final TicketRepository tickets;

	private final TicketProcessingQueue queue;

	UnprocessedMessageRelay(TenantWork work, TicketRepository tickets, TicketProcessingQueue queue) {
		this.work = work;
		this.tickets = tickets;
		this.queue = queue;
	}

	@Scheduled(initialDelayString = "${sample.helpdesk.relay-interval:1m}",
			fixedDelayString = "${sample.helpdesk.relay-interval:1m}")
	void relay() {
		try {
			TenantWork.BatchReport report = this.work
				.forEachActiveTenant((tenant) -> this.tickets.unprocessed(Duration.ofMinutes(1), BATCH)
					.forEach((pending) -> this.queue.submit(pending.ticket(), pending.message())));
			if (!report.succeeded()) {
				logger.warn("Relay of unprocessed helpdesk messages failed for some tenants: {}", report);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Relay of unprocessed helpdesk messages failed: {}", ex.toString());
		}
	}

}
