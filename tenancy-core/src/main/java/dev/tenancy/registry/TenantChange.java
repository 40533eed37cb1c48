package dev.tenancy.registry;

import java.util.Objects;

/**
 * Who makes a change to the registry and in which request, for the audit trail.
 *
 * @param actor the principal (a token subject, {@code admin-token}, {@code importer})
 * @param requestId the request or correlation id, or {@code null}
 */
public record TenantChange(String actor, String requestId) {

	public TenantChange {
		Objects.requireNonNull(actor, "actor");
		actor = (actor.length() > 200) ? actor.substring(0, 200) : actor;
		requestId = (requestId != null && requestId.length() > 100) ? requestId.substring(0, 100) : requestId;
	}

}
