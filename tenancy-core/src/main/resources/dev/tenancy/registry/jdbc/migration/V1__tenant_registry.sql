-- Tenancy registry, in its own schema with its own Flyway history table, so it coexists with
-- the host application's migrations.

create table tenant (
    id            varchar(63)  primary key
                  check (id ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    display_name  varchar(200) not null check (length(display_name) > 0),
    status        varchar(16)  not null check (status in ('ACTIVE', 'SUSPENDED', 'DELETED')),
    config        jsonb        not null default '{}'::jsonb check (jsonb_typeof(config) = 'object'),
    config_source varchar(8)   not null default 'db' check (config_source in ('db', 'file')),
    version       bigint       not null default 0 check (version >= 0),
    created_at    timestamptz  not null default now(),
    updated_at    timestamptz  not null default now()
);

create index tenant_status_idx on tenant (status, id);

-- Append-only history of every change: who, when, what (before and after), which request.
create table tenant_audit (
    id          bigserial    primary key,
    tenant_id   varchar(63)  not null,
    action      varchar(32)  not null,
    actor       varchar(200) not null,
    at          timestamptz  not null default now(),
    version     bigint       not null,
    before      jsonb,
    after       jsonb,
    request_id  varchar(100)
);

create index tenant_audit_tenant_idx on tenant_audit (tenant_id, id);

create function tenant_audit_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'tenant_audit is append-only';
end;
$$;

create trigger tenant_audit_no_update_or_delete
    before update or delete on tenant_audit
    for each statement execute function tenant_audit_append_only();
