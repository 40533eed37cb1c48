-- The batch job's own table, migrated by the owner role, isolated by forced row-level security.
create table jobs.run (
    id        bigint generated always as identity primary key,
    tenant_id varchar(63)  not null default nullif(current_setting('app.tenant_id', true), ''),
    job       varchar(100) not null
);

alter table jobs.run enable row level security;
alter table jobs.run force row level security;

create policy run_tenant_isolation on jobs.run
    using (tenant_id = nullif(current_setting('app.tenant_id', true), ''))
    with check (tenant_id = nullif(current_setting('app.tenant_id', true), ''));

grant usage on schema jobs to ${app-role};
grant select, insert, update, delete on jobs.run to ${app-role};
