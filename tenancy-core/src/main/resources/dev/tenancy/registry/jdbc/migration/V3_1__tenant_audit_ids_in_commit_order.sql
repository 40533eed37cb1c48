-- The changes feed (the config server's tenant API and its bus publisher) follows tenant_audit by
-- id: a reader that has seen id N never looks below N again. Ids came from the column default, taken
-- when the row was inserted, but rows become visible when their transaction commits: with two
-- concurrent writers, id N+1 could commit and be read before N, and N was never delivered (a missed
-- suspension, say). Ids are now taken under a lock that each transaction holds until it commits,
-- so they become visible in id order. The registry takes the same lock first thing in each of its
-- write transactions (before any tenant row lock, so writers never deadlock on it); this trigger
-- makes every other insert path safe too.
create function tenant_audit_next_id() returns trigger language plpgsql as $$
begin
    perform pg_advisory_xact_lock(hashtext(tg_table_schema), hashtext('tenant_audit'));
    new.id := nextval(pg_get_serial_sequence(quote_ident(tg_table_schema) || '.tenant_audit', 'id'));
    return new;
end;
$$;

alter table tenant_audit alter column id drop default;

create trigger tenant_audit_id_in_commit_order
    before insert on tenant_audit
    for each row execute function tenant_audit_next_id();
