package dev.tenancy.registry.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.tenancy.ReservedTenantIds;
import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.EmailDomains;
import dev.tenancy.registry.InvalidTenantConfigException;
import dev.tenancy.registry.StoredText;
import dev.tenancy.registry.TenantAdministration;
import dev.tenancy.registry.TenantAuditEntry;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.TenantChangedEvent;
import dev.tenancy.registry.TenantChanges;
import dev.tenancy.registry.TenantConfigJson;
import dev.tenancy.registry.TenantRegistry;
import dev.tenancy.registry.TenantRegistryException;
import dev.tenancy.registry.TenantRegistryUnavailableException;

/**
 * The PostgreSQL tenant registry: tenants with JSONB configuration, optimistic locking on
 * a version, an append-only audit trail, and a {@code NOTIFY} on {@value #CHANNEL} sent
 * inside each changing transaction, so other instances hear of a change exactly when it
 * commits.
 * <p>
 * Plain SQL through {@link JdbcClient} rather than Spring Data repositories: the version
 * check, the audit row and the notification must be one statement sequence in one
 * transaction, and a library must not register Spring Data JDBC infrastructure that would
 * clash with the host application's own.
 */
public final class JdbcTenantRegistry implements TenantRegistry, TenantAdministration {

	/** The notification channel; the payload is the tenant id. */
	public static final String CHANNEL = "tenancy_tenant_changed";

	/**
	 * The channel of each change's time, sent right after the {@link #CHANNEL} one in the
	 * same transaction: the payload is the tenant id, a space and the database's clock in
	 * microseconds since the epoch, so listeners can measure how late they apply a
	 * change. A channel of its own, so listeners of earlier versions (which take every
	 * payload on {@link #CHANNEL} for a tenant id) keep working beside this one.
	 */
	public static final String CHANGED_AT_CHANNEL = "tenancy_tenant_changed_at";

	private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final String tenantTable;

	private final String auditTable;

	private final String domainTable;

	private final String secretTable;

	private final Consumer<TenantChangedEvent> events;

	private final String schema;

	/**
	 * Create a registry.
	 * @param dataSource the database
	 * @param schema the registry's schema
	 * @param events told about each committed change
	 */
	public JdbcTenantRegistry(DataSource dataSource, String schema, Consumer<TenantChangedEvent> events) {
		if (schema == null || !IDENTIFIER.matcher(schema).matches()) {
			throw new IllegalArgumentException("Registry schema must be a plain lower-case SQL identifier");
		}
		this.jdbc = JdbcClient.create(dataSource);
		this.transactions = new TransactionTemplate(new JdbcTransactionManager(dataSource));
		this.schema = schema;
		this.tenantTable = schema + ".tenant";
		this.auditTable = schema + ".tenant_audit";
		this.domainTable = schema + ".tenant_email_domain";
		this.secretTable = schema + ".tenant_secret";
		this.events = (events != null) ? events : (event) -> {
		};
	}

	@Override
	public Optional<Tenant> find(TenantId id) {
		try {
			return this.jdbc
				.sql("select id, display_name, status, config::text as config, version from " + this.tenantTable
						+ " where id = ?")
				.param(id.value())
				.query(JdbcTenantRegistry::tenant)
				.optional();
		}
		catch (DataAccessException ex) {
			throw new TenantRegistryUnavailableException("Tenant registry query failed", ex);
		}
	}

	/**
	 * The tenant that owns an e-mail domain, through the domain index (one indexed
	 * lookup): deleted tenants own none.
	 */
	@Override
	public Optional<Tenant> findByEmailDomain(String domain) {
		Optional<String> normalized = EmailDomains.normalize(domain);
		if (normalized.isEmpty()) {
			return Optional.empty();
		}
		try {
			return this.jdbc
				.sql("select t.id, t.display_name, t.status, t.config::text as config, t.version from "
						+ this.domainTable + " d join " + this.tenantTable
						+ " t on t.id = d.tenant_id where lower(d.domain) = ?")
				.param(normalized.get())
				.query(JdbcTenantRegistry::tenant)
				.optional();
		}
		catch (DataAccessException ex) {
			throw new TenantRegistryUnavailableException("Tenant registry query failed", ex);
		}
	}

	/**
	 * Where a tenant's configuration comes from.
	 * @param id the tenant id
	 * @return {@code db} or {@code file}, or empty when there is no row
	 */
	public Optional<String> configSource(TenantId id) {
		try {
			return this.jdbc.sql("select config_source from " + this.tenantTable + " where id = ?")
				.param(id.value())
				.query(String.class)
				.optional();
		}
		catch (DataAccessException ex) {
			throw new TenantRegistryUnavailableException("Tenant registry query failed", ex);
		}
	}

	@Override
	public List<Tenant> findAll() {
		try {
			return this.jdbc
				.sql("select id, display_name, status, config::text as config, version from " + this.tenantTable
						+ " order by id")
				.query(JdbcTenantRegistry::tenant)
				.list();
		}
		catch (DataAccessException ex) {
			throw new TenantRegistryUnavailableException("Tenant registry query failed", ex);
		}
	}

	@Override
	public TenantPage list(TenantStatus status, int page, int size) {
		if (page < 0 || size < 1 || size > 10_000) {
			throw new IllegalArgumentException("page must be 0 or more and size between 1 and 10000");
		}
		String where = (status != null) ? " where status = :status" : " where status <> 'DELETED'";
		Map<String, Object> params = new LinkedHashMap<>();
		if (status != null) {
			params.put("status", status.name());
		}
		long total = this.jdbc.sql("select count(*) from " + this.tenantTable + where)
			.params(params)
			.query(Long.class)
			.single();
		params.put("limit", size);
		params.put("offset", (long) page * size);
		List<Tenant> content = this.jdbc
			.sql("select id, display_name, status, config::text as config, version from " + this.tenantTable + where
					+ " order by id limit :limit offset :offset")
			.params(params)
			.query(JdbcTenantRegistry::tenant)
			.list();
		return new TenantPage(content, page, size, total);
	}

	@Override
	public Tenant create(TenantId id, String displayName, TenantConfig config, TenantChange change) {
		checkNewId(id);
		checkDisplayName(displayName);
		Tenant tenant = new Tenant(id, displayName, TenantStatus.ACTIVE, config, 0);
		String json = TenantConfigJson.write(tenant.config());
		try {
			this.transactions.executeWithoutResult((status) -> {
				lockChanges();
				this.jdbc.sql("insert into " + this.tenantTable
						+ " (id, display_name, status, config, config_source, version) values (?, ?, ?, ?::jsonb, 'db', 0)")
					.params(id.value(), tenant.displayName(), tenant.status().name(), json)
					.update();
				claimEmailDomains(id, tenant.config().emailDomains());
				audit(id, "created", change, 0, null, snapshot(tenant));
				notifyChange(id);
			});
		}
		catch (DuplicateKeyException ex) {
			throw new TenantRegistryException.AlreadyExists(id.value());
		}
		this.events.accept(new TenantChangedEvent(id, "created", 0));
		return tenant;
	}

	@Override
	public Tenant update(TenantId id, long expectedVersion, String displayName, TenantConfig config,
			TenantChange change) {
		if (displayName != null) {
			checkDisplayName(displayName);
		}
		String json = TenantConfigJson.write((config != null) ? config : TenantConfig.empty());
		Tenant updated = this.transactions.execute((status) -> {
			lockChanges();
			Tenant before = lockForChange(id, expectedVersion);
			Tenant after = new Tenant(id, (displayName != null) ? displayName : before.displayName(), before.status(),
					config, before.version() + 1);
			this.jdbc
				.sql("update " + this.tenantTable + " set display_name = ?, config = ?::jsonb, config_source = 'db', "
						+ "version = version + 1, updated_at = now() where id = ?")
				.params(after.displayName(), json, id.value())
				.update();
			claimEmailDomains(id, after.config().emailDomains());
			audit(id, "updated", change, after.version(), snapshot(before), snapshot(after));
			notifyChange(id);
			return after;
		});
		this.events.accept(new TenantChangedEvent(id, "updated", updated.version()));
		return updated;
	}

	@Override
	public Tenant changeStatus(TenantId id, TenantStatus target, Long expectedVersion, TenantChange change) {
		String action = switch (target) {
			case ACTIVE -> "resumed";
			case SUSPENDED -> "suspended";
			case DELETED -> "deleted";
		};
		Tenant updated = this.transactions.execute((status) -> {
			lockChanges();
			Tenant before = lockForChange(id, expectedVersion);
			if (!before.status().canBecome(target)) {
				throw new TenantRegistryException.InvalidTransition(id.value(), before.status().name(), target.name());
			}
			Tenant after = new Tenant(id, before.displayName(), target, before.config(), before.version() + 1);
			this.jdbc
				.sql("update " + this.tenantTable
						+ " set status = ?, version = version + 1, updated_at = now() where id = ?")
				.params(target.name(), id.value())
				.update();
			if (target == TenantStatus.DELETED) {
				// A deleted tenant keeps its id but gives up its domains (another tenant
				// may claim them) and its secrets (nobody may use them again).
				claimEmailDomains(id, List.of());
				this.jdbc.sql("delete from " + this.secretTable + " where tenant_id = ?").param(id.value()).update();
			}
			audit(id, action, change, after.version(), snapshot(before), snapshot(after));
			notifyChange(id);
			return after;
		});
		this.events.accept(new TenantChangedEvent(id, action, updated.version()));
		return updated;
	}

	@Override
	public List<TenantAuditEntry> audit(TenantId id) {
		return this.jdbc
			.sql("select id, tenant_id, action, actor, at, version, before::text as before, after::text as after, "
					+ "request_id from " + this.auditTable + " where tenant_id = ? order by id")
			.param(id.value())
			.query((rs, row) -> new TenantAuditEntry(rs.getLong("id"), rs.getString("tenant_id"),
					rs.getString("action"), rs.getString("actor"), rs.getTimestamp("at").toInstant(),
					rs.getLong("version"), rs.getString("before"), rs.getString("after"), rs.getString("request_id")))
			.list();
	}

	@Override
	public TenantChanges changesAfter(long cursor, int limit) {
		if (cursor < 0 || limit < 1) {
			throw new IllegalArgumentException("cursor must be 0 or more and limit 1 or more");
		}
		try {
			List<TenantChanges.Change> changes = this.jdbc
				.sql("select id, tenant_id, action, version from " + this.auditTable
						+ " where id > ? order by id limit ?")
				.params(cursor, limit)
				.query((rs, row) -> new TenantChanges.Change(rs.getLong("id"), rs.getString("tenant_id"),
						rs.getString("action"), rs.getLong("version")))
				.list();
			return new TenantChanges(changes, changes.isEmpty() ? cursor : changes.get(changes.size() - 1).cursor());
		}
		catch (DataAccessException ex) {
			throw new TenantRegistryUnavailableException("Tenant registry query failed", ex);
		}
	}

	@Override
	public long latestChange() {
		try {
			return this.jdbc.sql("select coalesce(max(id), 0) from " + this.auditTable).query(Long.class).single();
		}
		catch (DataAccessException ex) {
			throw new TenantRegistryUnavailableException("Tenant registry query failed", ex);
		}
	}

	/**
	 * Run work in one registry transaction (used by the importer to write everything or
	 * nothing).
	 * @param work the work, given this registry's SQL helper
	 */
	void inTransaction(Consumer<Writer> work) {
		this.transactions.executeWithoutResult((status) -> {
			lockChanges();
			work.accept(new Writer());
		});
	}

	/**
	 * Writes used by the importer inside {@link #inTransaction}.
	 */
	final class Writer {

		/**
		 * Give up the domains a tenant about to be written no longer lists.
		 * @param tenant the tenant as it will be written
		 */
		void releaseEmailDomains(Tenant tenant) {
			List<String> kept = (tenant.status() != TenantStatus.DELETED) ? tenant.config().emailDomains() : List.of();
			jdbc.sql("select domain from " + domainTable + " where tenant_id = ?")
				.param(tenant.id().value())
				.query(String.class)
				.list()
				.stream()
				.filter((domain) -> !kept.contains(domain))
				.forEach((domain) -> jdbc.sql("delete from " + domainTable + " where tenant_id = ? and domain = ?")
					.params(tenant.id().value(), domain)
					.update());
		}

		void upsertFromFile(Tenant tenant, boolean exists, String actor, Tenant before) {
			if (!exists) {
				checkNewId(tenant.id());
			}
			checkDisplayName(tenant.displayName());
			String json = TenantConfigJson.write(tenant.config());
			long version;
			if (exists) {
				version = before.version() + 1;
				jdbc.sql("update " + tenantTable + " set display_name = ?, status = ?, config = ?::jsonb, "
						+ "config_source = 'db', version = version + 1, updated_at = now() where id = ?")
					.params(tenant.displayName(), tenant.status().name(), json, tenant.id().value())
					.update();
			}
			else {
				version = 0;
				jdbc.sql("insert into " + tenantTable
						+ " (id, display_name, status, config, config_source, version) values (?, ?, ?, ?::jsonb, 'db', 0)")
					.params(tenant.id().value(), tenant.displayName(), tenant.status().name(), json)
					.update();
			}
			Tenant after = new Tenant(tenant.id(), tenant.displayName(), tenant.status(), tenant.config(), version);
			claimEmailDomains(tenant.id(),
					(tenant.status() != TenantStatus.DELETED) ? tenant.config().emailDomains() : List.of());
			audit(tenant.id(), "imported", new TenantChange(actor, null), version,
					(before != null) ? snapshot(before) : null, snapshot(after));
			notifyChange(tenant.id());
		}

	}

	/**
	 * Serialises the registry's write transactions until they commit, so that audit ids
	 * (the changes feed's cursor) become visible in id order: a feed reader past id N
	 * never misses an N-1 committed later. Taken first, before any tenant row lock, so
	 * that writers wait for each other here and never deadlock; the audit table's insert
	 * trigger takes the same lock for any other writer.
	 */
	private void lockChanges() {
		lockChanges(this.jdbc, this.schema);
	}

	/**
	 * The lock of {@link #lockChanges()} for the registry's other writers in this
	 * package, taken first in their transactions too.
	 */
	static void lockChanges(JdbcClient jdbc, String schema) {
		jdbc.sql("select pg_advisory_xact_lock(hashtext(?), hashtext('tenant_audit'))")
			.param(schema)
			.query()
			.singleRow();
	}

	/**
	 * Make a tenant's rows in the domain index exactly {@code domains}, inside the
	 * caller's transaction. The unique index decides between concurrent claims: an insert
	 * that meets another transaction's uncommitted claim waits for it, then either takes
	 * the domain (the other rolled back) or finds it taken and refuses the whole write.
	 * Domains are claimed in alphabetical order so two writers cannot deadlock on them.
	 * @throws TenantRegistryException.EmailDomainTaken when another tenant owns one of
	 * the domains
	 */
	private void claimEmailDomains(TenantId id, List<String> domains) {
		List<String> wanted = domains.stream()
			.map((domain) -> domain.toLowerCase(Locale.ROOT))
			.distinct()
			.sorted()
			.toList();
		List<String> owned = this.jdbc.sql("select domain from " + this.domainTable + " where tenant_id = ?")
			.param(id.value())
			.query(String.class)
			.list();
		for (String domain : owned) {
			if (!wanted.contains(domain)) {
				this.jdbc.sql("delete from " + this.domainTable + " where tenant_id = ? and domain = ?")
					.params(id.value(), domain)
					.update();
			}
		}
		for (String domain : wanted) {
			if (!owned.contains(domain)) {
				claimEmailDomain(id, domain);
			}
		}
	}

	private void claimEmailDomain(TenantId id, String domain) {
		// Retried only when the claim it met vanished between the insert and the look-up
		// (its owner freed it meanwhile).
		for (int attempt = 0; attempt < 3; attempt++) {
			int inserted = this.jdbc
				.sql("insert into " + this.domainTable + " (domain, tenant_id) values (?, ?) on conflict do nothing")
				.params(domain, id.value())
				.update();
			if (inserted == 1) {
				return;
			}
			Optional<String> owner = this.jdbc
				.sql("select tenant_id from " + this.domainTable + " where lower(domain) = ?")
				.param(domain)
				.query(String.class)
				.optional();
			if (owner.isPresent()) {
				if (owner.get().equals(id.value())) {
					return;
				}
				throw new TenantRegistryException.EmailDomainTaken(domain, owner.get());
			}
		}
		throw new TenantRegistryUnavailableException("E-mail domain claim did not settle", null);
	}

	private Tenant lockForChange(TenantId id, Long expectedVersion) {
		Tenant current = this.jdbc
			.sql("select id, display_name, status, config::text as config, version from " + this.tenantTable
					+ " where id = ? for update")
			.param(id.value())
			.query(JdbcTenantRegistry::tenant)
			.optional()
			.orElseThrow(() -> new TenantRegistryException.NotFound(id.value()));
		if (current.status() == TenantStatus.DELETED) {
			throw new TenantRegistryException.NotFound(id.value());
		}
		if (expectedVersion != null && current.version() != expectedVersion) {
			throw new TenantRegistryException.StaleVersion(id.value(), current.version());
		}
		return current;
	}

	private void audit(TenantId id, String action, TenantChange change, long version, String before, String after) {
		this.jdbc.sql("insert into " + this.auditTable
				+ " (tenant_id, action, actor, version, before, after, request_id) values (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)")
			.params(id.value(), action, change.actor(), version, before, after, change.requestId())
			.update();
	}

	private void notifyChange(TenantId id) {
		this.jdbc
			.sql("select pg_notify(?, ?), pg_notify(?, ?::text || ' ' || "
					+ "(extract(epoch from clock_timestamp()) * 1000000)::bigint)")
			.params(CHANNEL, id.value(), CHANGED_AT_CHANNEL, id.value())
			.query()
			.singleRow();
	}

	private static void checkDisplayName(String displayName) {
		if (displayName != null && displayName.length() > 200) {
			throw new InvalidTenantConfigException("displayName", "at most 200 characters");
		}
		StoredText.require("displayName", displayName);
	}

	/** Only new tenants are refused a reserved id: existing ones keep working. */
	private static void checkNewId(TenantId id) {
		if (ReservedTenantIds.isReserved(id)) {
			throw new InvalidTenantConfigException("id", "is reserved");
		}
	}

	static String snapshot(Tenant tenant) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("id", tenant.id().value());
		body.put("displayName", tenant.displayName());
		body.put("status", tenant.status().name());
		body.put("config", TenantConfigJson.tree(tenant.config()));
		return JSON.writeValueAsString(body);
	}

	private static Tenant tenant(ResultSet rs, int row) throws SQLException {
		return new Tenant(TenantId.of(rs.getString("id")), rs.getString("display_name"),
				TenantStatus.valueOf(rs.getString("status")), TenantConfigJson.parse(rs.getString("config")),
				rs.getLong("version"));
	}

}
