-- The application's own table, migrated by the owner role. The tenant column defaults to the
-- transaction's tenant, so inserts need not name it; the policy checks it either way.
create table notes.note (
    id        bigint generated always as identity primary key,
    tenant_id varchar(63)  not null default nullif(current_setting('app.tenant_id', true), ''),
    body      varchar(200) not null
);

alter table notes.note enable row level security;
alter table notes.note force row level security;

create policy note_tenant_isolation on notes.note
    using (tenant_id = nullif(current_setting('app.tenant_id', true), ''))
    with check (tenant_id = nullif(current_setting('app.tenant_id', true), ''));

grant usage on schema notes to ${app-role};
grant select, insert, update, delete on notes.note to ${app-role};
