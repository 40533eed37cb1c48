package dev.tenancy.test.isolation;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.tenancy.context.TenantContext;

/**
 * A tenant-keyed store for the probe tests, which can be broken on purpose: each flag
 * drops the tenant condition from one operation, as a buggy repository would.
 */
final class InMemoryNotes {

	record Note(UUID id, String tenant, String text) {
	}

	final Map<UUID, Note> notes = new ConcurrentHashMap<>();

	boolean readIgnoresTenant;

	boolean listIgnoresTenant;

	boolean deleteIgnoresTenant;

	boolean revealsOthersIds;

	UUID create(String text) {
		Note note = new Note(UUID.randomUUID(), tenant(), text);
		this.notes.put(note.id(), note);
		return note.id();
	}

	Optional<Note> find(UUID id) {
		Note note = this.notes.get(id);
		if (note == null) {
			return Optional.empty();
		}
		if (!this.readIgnoresTenant && !note.tenant().equals(tenant())) {
			if (this.revealsOthersIds) {
				throw new SecurityException("not yours");
			}
			return Optional.empty();
		}
		return Optional.of(note);
	}

	List<UUID> ids() {
		return this.notes.values()
			.stream()
			.filter((note) -> this.listIgnoresTenant || note.tenant().equals(tenant()))
			.map(Note::id)
			.toList();
	}

	int rename(UUID id, String text) {
		Note note = this.notes.get(id);
		if (note == null || !note.tenant().equals(tenant())) {
			return 0;
		}
		this.notes.put(id, new Note(id, note.tenant(), text));
		return 1;
	}

	int delete(UUID id) {
		Note note = this.notes.get(id);
		if (note == null) {
			return 0;
		}
		if (this.deleteIgnoresTenant) {
			// the bug: deletes, and even answers as if nothing happened
			this.notes.remove(id);
			return 0;
		}
		return note.tenant().equals(tenant()) && this.notes.remove(id) != null ? 1 : 0;
	}

	private static String tenant() {
		return TenantContext.require().value();
	}

}
