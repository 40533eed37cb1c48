package dev.tenancy.jdbc;

/**
 * Which tables hold tenant data, as SQL for PostgreSQL's catalogue: every table (plain or
 * partitioned) with a {@code tenant_id} column outside the system schemas, except the
 * tenant registry's own tables, which span all tenants by design (its audit trail, e-mail
 * domain index and encrypted secrets) and are recognised by sitting beside the registry's
 * Flyway history. One definition for the start-up check ({@link RowLevelSecurityCheck})
 * and the test kit's checker and SQL guard, so that they never disagree on what must be
 * protected.
 */
public final class TenantTables {

	/**
	 * A {@code from ... where ...} clause over the tenant tables: {@code c} is the
	 * table's {@code pg_class} row and {@code n} its {@code pg_namespace} row. Callers
	 * select their own columns before it and may append {@code order by}.
	 */
	public static final String FROM_TENANT_TABLES = """
			from pg_class c
			join pg_namespace n on n.oid = c.relnamespace
			join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
			where c.relkind in ('r', 'p')
			  and n.nspname not in ('pg_catalog', 'information_schema')
			  and not (c.relname in ('tenant_audit', 'tenant_email_domain', 'tenant_secret')
			           and exists (select 1 from pg_class h
			                       where h.relnamespace = c.relnamespace and h.relname = 'tenancy_schema_history'))
			""";

	private TenantTables() {
	}

}
