-- The application's own table, migrated by the owner role, isolated by forced row-level security.
create table billing.invoice (
    id          uuid         primary key,
    tenant_id   varchar(63)  not null,
    description varchar(200) not null,
    version     integer      not null
);

alter table billing.invoice enable row level security;
alter table billing.invoice force row level security;

create policy invoice_tenant_isolation on billing.invoice
    using (tenant_id = nullif(current_setting('app.tenant_id', true), ''))
    with check (tenant_id = nullif(current_setting('app.tenant_id', true), ''));

grant usage on schema billing to ${app-role};
grant select, insert, update, delete on billing.invoice to ${app-role};
