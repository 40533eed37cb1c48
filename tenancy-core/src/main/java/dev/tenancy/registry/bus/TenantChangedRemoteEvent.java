package dev.tenancy.registry.bus;

import com.fasterxml.jackson.annotation.JsonCreator;

import org.springframework.cloud.bus.event.Destination;
import org.springframework.cloud.bus.event.RemoteApplicationEvent;

import dev.tenancy.registry.StoredText;

/**
 * A tenant changed in the registry: the config server publishes one per entry of its
 * changes feed, to every service ({@code destination **}).
 * <p>
 * It is a wake-up, not data: it carries no configuration, and a receiver trusts none of
 * it. Anyone allowed to publish on the bus exchange can forge one, so an instance only
 * invalidates the named tenant (the next lookup fetches it from the config server's
 * authenticated tenant API) and asks the authenticated changes feed when the cursors show
 * a gap; its own cursor moves only with that feed ({@link TenantChangePush}).
 */
@SuppressWarnings("serial")
public class TenantChangedRemoteEvent extends RemoteApplicationEvent {

	private String tenant;

	private long version;

	private long cursor;

	private long publishedAt;

	/** For deserialization. */
	public TenantChangedRemoteEvent() {
	}

	/**
	 * An event.
	 * @param source the publisher
	 * @param originService the publisher's bus id
	 * @param destination who should receive it
	 * @param tenant the tenant id
	 * @param version the tenant's version after the change
	 * @param cursor the change's cursor in the changes feed
	 * @param publishedAt when it was published, epoch milliseconds
	 */
	// Never a creator for Jackson: with parameter names known, an application's JSON
	// mapper
	// would pick it and pass a null source (refused by ApplicationEvent).
	@JsonCreator(mode = JsonCreator.Mode.DISABLED)
	public TenantChangedRemoteEvent(Object source, String originService, Destination destination, String tenant,
			long version, long cursor, long publishedAt) {
		super(source, originService, destination);
		this.tenant = tenant;
		this.version = version;
		this.cursor = cursor;
		this.publishedAt = publishedAt;
	}

	/**
	 * The tenant id, unvalidated.
	 * @return the id as sent
	 */
	public String getTenant() {
		return this.tenant;
	}

	/**
	 * The tenant's version after the change.
	 * @return the version
	 */
	public long getVersion() {
		return this.version;
	}

	/**
	 * Where the change is in the config server's changes feed.
	 * @return the cursor
	 */
	public long getCursor() {
		return this.cursor;
	}

	/**
	 * When the config server published the event (its clock).
	 * @return epoch milliseconds
	 */
	public long getPublishedAt() {
		return this.publishedAt;
	}

	@Override
	public String toString() {
		// The tenant is whatever the publisher sent: escaped before it can reach a log.
		return "TenantChangedRemoteEvent[tenant=" + ((this.tenant != null) ? StoredText.escape(this.tenant) : null)
				+ ", version=" + this.version + ", cursor=" + this.cursor + ", origin=" + getOriginService() + "]";
	}

}
