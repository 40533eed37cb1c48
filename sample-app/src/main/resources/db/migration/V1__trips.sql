-- Trips, one row per trip of one tenant, isolated by PostgreSQL row-level security.
--
-- Run by the owner role (spring.flyway.user). The app connects as a separate role that neither owns
-- this table nor bypasses RLS, and sets app.tenant_id per transaction (set_config(..., true)).
--
-- Rules for every tenant table of this schema (checked by RowLevelSecurityTest):
--   * tenant_id in every primary, unique and foreign key, so key checks (which bypass RLS) can
--     neither collide across tenants nor reveal another tenant's rows;
--   * ENABLE and FORCE ROW LEVEL SECURITY (FORCE: the policy binds the owner too);
--   * one policy with USING (what can be seen, updated, deleted) and WITH CHECK (what can be
--     written) on the transaction's tenant. current_setting(..., true) is NULL or '' without a
--     tenant, which matches no row: no tenant, no rows.

create table travel.trip (
    tenant_id   varchar(63)  not null check (tenant_id ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    id          uuid         not null,
    reference   varchar(40)  not null check (reference ~ '^[A-Za-z0-9][A-Za-z0-9._-]*$'),
    name        varchar(100) not null check (length(name) > 0),
    destination varchar(100) not null check (length(destination) > 0),
    start_date  date         not null,
    end_date    date         not null,
    created_at  timestamptz  not null default now(),
    constraint trip_pkey primary key (tenant_id, id),
    constraint trip_reference_key unique (tenant_id, reference),
    constraint trip_dates_check check (end_date >= start_date)
);

create index trip_tenant_order_idx on travel.trip (tenant_id, start_date, name, id);

alter table travel.trip enable row level security;
alter table travel.trip force row level security;

create policy trip_tenant_isolation on travel.trip
    using (tenant_id = current_setting('app.tenant_id', true))
    with check (tenant_id = current_setting('app.tenant_id', true));
