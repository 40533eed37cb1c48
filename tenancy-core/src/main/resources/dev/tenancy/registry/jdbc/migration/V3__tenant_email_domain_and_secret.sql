-- E-mail domains, one row per domain a live tenant's configuration lists: the index the inbound
-- e-mail webhook resolves a recipient's domain through, and the one place that makes a domain
-- belong to at most one tenant (a unique index rather than a check in code, so two concurrent
-- writes claiming one domain cannot both commit). Maintained in the transaction of each tenant
-- write; a deleted tenant has none.
create table tenant_email_domain (
    domain     varchar(253) not null
               check (domain = lower(domain)
                      and domain ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    tenant_id  varchar(63)  not null references tenant (id),
    created_at timestamptz  not null default now()
);

create unique index tenant_email_domain_domain_idx on tenant_email_domain (lower(domain));
create index tenant_email_domain_tenant_idx on tenant_email_domain (tenant_id);

-- Domains of existing tenants. Earlier versions did not enforce uniqueness: when two tenants
-- listed one domain, the first by id keeps it and the other's next write is refused (409) until
-- its configuration drops the domain.
insert into tenant_email_domain (domain, tenant_id)
select distinct on (lower(d.domain)) lower(d.domain), t.id
from tenant t
cross join lateral jsonb_array_elements_text(
    case when jsonb_typeof(t.config -> 'emailDomains') = 'array' then t.config -> 'emailDomains' else '[]'::jsonb end
) as d(domain)
where t.status <> 'DELETED'
  and length(d.domain) <= 253
  and lower(d.domain) ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'
order by lower(d.domain), t.id
on conflict do nothing;

-- Per-tenant secrets (the key that signs a tenant's inbound e-mail webhook, say), encrypted by
-- the application before they get here (AES-GCM): the database never sees a plain text. key_id
-- names the key that encrypted the row, so keys can be rotated; the tenant id and the name are
-- bound into the ciphertext, so a row copied to another tenant or name does not decrypt.
create table tenant_secret (
    tenant_id  varchar(63)  not null references tenant (id),
    name       varchar(63)  not null check (name ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    key_id     varchar(64)  not null,
    ciphertext bytea        not null check (length(ciphertext) <= 8192),
    created_at timestamptz  not null default now(),
    updated_at timestamptz  not null default now(),
    primary key (tenant_id, name)
);
