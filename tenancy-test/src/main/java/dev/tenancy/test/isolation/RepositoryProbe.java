package dev.tenancy.test.isolation;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

import org.springframework.transaction.support.TransactionOperations;

import dev.tenancy.test.tenant.TenantScope;

/**
 * Probes a repository (or any data access code) through lambdas, each run in a
 * {@link dev.tenancy.context.TenantContext} scope of the tenant that acts, optionally
 * inside a transaction (as the application's service layer would run it, so row-level
 * security gets the tenant on its connection). <pre>
 * RepositoryProbe.&lt;UUID&gt;named("TripRepository")
 *     .inTransaction(new TransactionTemplate(transactionManager))
 *     .create(() -&gt; trips.save(newTrip()).id())
 *     .read(trips::findById)
 *     .listIds(() -&gt; trips.findPage(null, 100).stream().map(Trip::id).toList())
 *     .update((id) -&gt; trips.rename(id, "Hijacked"))
 *     .delete(trips::delete);
 * </pre> What an operation returns decides: {@code null}, an empty {@code Optional},
 * collection or map, {@code false} and zero mean "nothing found/affected"; anything else
 * found something. An exception must be the same as for an id that does not exist.
 *
 * @param <I> the type of ids
 */
public final class RepositoryProbe<I> implements Probe {

	private final String name;

	private Supplier<I> create;

	private Function<I, ?> read;

	private Supplier<? extends Collection<I>> list;

	private Supplier<? extends Collection<I>> search;

	private Function<I, ?> update;

	private Function<I, ?> delete;

	private Supplier<I> missingId;

	private TransactionOperations transactions;

	private RepositoryProbe(String name) {
		this.name = name;
	}

	/**
	 * Probe something that keeps tenant data.
	 * @param <I> the type of ids
	 * @param name the name in the report
	 * @return the probe
	 */
	public static <I> RepositoryProbe<I> named(String name) {
		return new RepositoryProbe<>(name);
	}

	/**
	 * Run every step in a transaction of its own.
	 * @param transactions such as a {@code TransactionTemplate}
	 * @return this
	 */
	public RepositoryProbe<I> inTransaction(TransactionOperations transactions) {
		this.transactions = transactions;
		return this;
	}

	/**
	 * Create something as the owner. Required.
	 * @param create returns the new id
	 * @return this
	 */
	public RepositoryProbe<I> create(Supplier<I> create) {
		this.create = create;
		return this;
	}

	/**
	 * Read by id. Required: the owner's reads before and after prove the intruder's
	 * updates and deletes did nothing.
	 * @param read finds by id
	 * @return this
	 */
	public RepositoryProbe<I> read(Function<I, ?> read) {
		this.read = read;
		return this;
	}

	/**
	 * List the ids the current tenant sees (the owner must see the new one).
	 * @param list returns ids
	 * @return this
	 */
	public RepositoryProbe<I> listIds(Supplier<? extends Collection<I>> list) {
		this.list = list;
		return this;
	}

	/**
	 * Search for what was created, returning the ids found (the owner must find the new
	 * one).
	 * @param search returns ids
	 * @return this
	 */
	public RepositoryProbe<I> searchIds(Supplier<? extends Collection<I>> search) {
		this.search = search;
		return this;
	}

	/**
	 * Update by id, as the intruder.
	 * @param update updates, returning what it affected (a count, a flag, the value)
	 * @return this
	 */
	public RepositoryProbe<I> update(Function<I, ?> update) {
		this.update = update;
		return this;
	}

	/**
	 * Delete by id, as the intruder.
	 * @param delete deletes, returning what it affected
	 * @return this
	 */
	public RepositoryProbe<I> delete(Function<I, ?> delete) {
		this.delete = delete;
		return this;
	}

	/**
	 * An id that exists for nobody (default: a random UUID, for UUID and String ids, and
	 * {@code Long.MIN_VALUE} for Long ids).
	 * @param missingId makes one
	 * @return this
	 */
	public RepositoryProbe<I> missingId(Supplier<I> missingId) {
		this.missingId = missingId;
		return this;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public void probe(String owner, String intruder, Findings findings) {
		Objects.requireNonNull(this.create, "RepositoryProbe needs create(...)");
		Objects.requireNonNull(this.read, "RepositoryProbe needs read(...)");
		I id = as(owner, this.create);
		I missing = missingLike(id);
		Outcome before = outcome(owner, () -> this.read.apply(id));
		if (!before.found()) {
			findings.leaked("control", "the owner cannot read what it created (" + id + "): " + before);
			return;
		}
		compare("read", this.read, id, missing, intruder, findings);
		if (this.list != null) {
			listed("list", this.list, id, owner, intruder, findings);
		}
		if (this.search != null) {
			listed("search", this.search, id, owner, intruder, findings);
		}
		if (this.update != null) {
			compare("update", this.update, id, missing, intruder, findings);
			unchanged("update", id, before, owner, findings);
		}
		if (this.delete != null) {
			compare("delete", this.delete, id, missing, intruder, findings);
			unchanged("delete", id, before, owner, findings);
		}
	}

	private void compare(String operation, Function<I, ?> step, I id, I missing, String intruder, Findings findings) {
		Outcome onOwners = outcome(intruder, () -> step.apply(id));
		Outcome onMissing = outcome(intruder, () -> step.apply(missing));
		String seen = operation + " of the owner's " + id + " as " + intruder;
		if (onOwners.found()) {
			findings.leaked(operation, seen + " found " + onOwners);
		}
		else if (!onOwners.sameAs(onMissing, String.valueOf(id), String.valueOf(missing))) {
			findings.leaked(operation, seen + " gave " + onOwners + ", but a missing id gave " + onMissing);
		}
		else {
			findings.isolated(operation, seen + " gave " + onOwners + ", as for a missing id");
		}
	}

	private void listed(String operation, Supplier<? extends Collection<I>> step, I id, String owner, String intruder,
			Findings findings) {
		Collection<I> asOwner = as(owner, step);
		if (!asOwner.contains(id)) {
			findings.leaked(operation, "the owner does not find its own " + id + ", so this check proves nothing ("
					+ asOwner.size() + " ids)");
			return;
		}
		Collection<I> asIntruder = as(intruder, step);
		if (asIntruder.contains(id)) {
			findings.leaked(operation, intruder + " finds the owner's " + id);
		}
		else {
			findings.isolated(operation, intruder + " finds " + asIntruder.size() + " ids, not the owner's");
		}
	}

	private void unchanged(String operation, I id, Outcome before, String owner, Findings findings) {
		Outcome after = outcome(owner, () -> this.read.apply(id));
		if (!after.equals(before)) {
			findings.leaked(operation + " effect", "the owner's " + id + " changed: " + before + " became " + after);
		}
		else {
			findings.isolated(operation + " effect", "the owner's " + id + " is unchanged");
		}
	}

	private <T> T as(String tenant, Supplier<T> step) {
		try (TenantScope scope = TenantScope.enter(tenant)) {
			return (this.transactions != null) ? this.transactions.execute((status) -> step.get()) : step.get();
		}
	}

	private Outcome outcome(String tenant, Supplier<?> step) {
		try {
			return Outcome.of(as(tenant, step));
		}
		catch (RuntimeException ex) {
			return Outcome.threw(ex);
		}
	}

	@SuppressWarnings("unchecked")
	private I missingLike(I id) {
		if (this.missingId != null) {
			return this.missingId.get();
		}
		if (id instanceof UUID) {
			return (I) UUID.randomUUID();
		}
		if (id instanceof String) {
			return (I) UUID.randomUUID().toString();
		}
		if (id instanceof Long) {
			return (I) Long.valueOf(Long.MIN_VALUE);
		}
		throw new IllegalStateException("RepositoryProbe " + this.name + " needs missingId(...) for ids of "
				+ ((id != null) ? id.getClass() : "null"));
	}

	/**
	 * What a step gave: a value (found), nothing, or an exception.
	 *
	 * @param value the value when found
	 * @param exception the exception's type when thrown
	 * @param message its message
	 */
	record Outcome(Object value, Class<?> exception, String message) {

		static Outcome of(Object result) {
			Object unwrapped = (result instanceof Optional<?> optional) ? optional.orElse(null) : result;
			boolean nothing = unwrapped == null || Boolean.FALSE.equals(unwrapped)
					|| (unwrapped instanceof Number number && number.longValue() == 0)
					|| (unwrapped instanceof Collection<?> collection && collection.isEmpty())
					|| (unwrapped instanceof Map<?, ?> map && map.isEmpty());
			return new Outcome(nothing ? null : unwrapped, null, null);
		}

		static Outcome threw(RuntimeException ex) {
			return new Outcome(null, ex.getClass(), ex.getMessage());
		}

		boolean found() {
			return this.value != null;
		}

		boolean sameAs(Outcome other, String id, String otherId) {
			if (!Objects.equals(this.exception, other.exception)) {
				return false;
			}
			String mine = (this.message != null) ? this.message.replace(id, "{id}") : null;
			String theirs = (other.message != null) ? other.message.replace(otherId, "{id}") : null;
			return Objects.equals(mine, theirs);
		}

		@Override
		public String toString() {
			if (this.exception != null) {
				return this.exception.getSimpleName() + "(" + this.message + ")";
			}
			return (this.value != null) ? String.valueOf(this.value) : "nothing";
		}

	}

}
