package dev.tenancy.registry;

import java.util.Objects;

/**
 * Who makes a change to the registry and in which request, for the audit trail.
 *
 * @param actor the principal (a token subject, {@code admin-token}, {@code importer});
 * forbidden characters (see {@link StoredText}) are stored escaped as
 * {@code \}{@code uXXXX}, and it is cut at 200 characters
 * @param requestId the request or correlation id, or {@code null}
 */
public record TenantChange(String actor, String requestId) {

	public TenantChange {
		Objects.requireNonNull(actor, "actor");
		// The actor comes from outside (a token's subject, the OS user name): control and
		// invisible characters are escaped, so that an ANSI sequence in a subject never
		// reaches a
		// terminal that shows the audit, and a NUL never fails the write.
		actor = StoredText.escape(actor);
		if (actor.length() > 200) {
			int end = Character.isHighSurrogate(actor.charAt(199)) ? 199 : 200;
			actor = actor.substring(0, end);
		}
		requestId = (requestId != null && requestId.length() > 100) ? requestId.substring(0, 100) : requestId;
	}

}
