-- The application's own table, migrated by the owner role: every row belongs to one tenant, and
-- forced row-level security shows a transaction only its tenant's rows (none without a tenant).
create table shop.booking (
    id          uuid         primary key,
    tenant_id   varchar(63)  not null,
    description varchar(200) not null
);

alter table shop.booking enable row level security;
alter table shop.booking force row level security;

create policy booking_tenant_isolation on shop.booking
    using (tenant_id = nullif(current_setting('app.tenant_id', true), ''))
    with check (tenant_id = nullif(current_setting('app.tenant_id', true), ''));

grant usage on schema shop to ${app-role};
grant select, insert, update, delete on shop.booking to ${app-role};
