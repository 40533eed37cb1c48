-- Helpdesk: tickets, their messages (from the API and from inbound e-mail), the knowledge base
-- and its suggestions, and the inbound webhook's replay guard. Every table follows V1__trips.sql's
-- rules: tenant_id in every key, ENABLE and FORCE ROW LEVEL SECURITY, one policy on app.tenant_id.

create table travel.helpdesk_ticket (
    tenant_id   varchar(63)  not null check (tenant_id ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    -- HD- and eight characters of Crockford's base 32, random
    id          varchar(11)  not null check (id ~ '^HD-[0-9A-HJKMNP-TV-Z]{8}$'),
    subject     varchar(300) not null,
    status      varchar(16)  not null default 'OPEN' check (status in ('OPEN', 'PENDING', 'RESOLVED', 'CLOSED')),
    source      varchar(8)   not null check (source in ('api', 'email')),
    requester   varchar(320),
    -- set by the asynchronous processing (classification); null until then
    category    varchar(40),
    created_at  timestamptz  not null default now(),
    updated_at  timestamptz  not null default now(),
    constraint helpdesk_ticket_pkey primary key (tenant_id, id)
);

-- Newest first, keyset paging: (created_at, id) < (cursor).
create index helpdesk_ticket_page_idx on travel.helpdesk_ticket (tenant_id, created_at desc, id desc);

create table travel.helpdesk_message (
    tenant_id    varchar(63)   not null check (tenant_id ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    id           uuid          not null,
    ticket_id    varchar(11)   not null,
    -- RFC 5322 Message-ID (or a synthesized one); the de-duplication key within the tenant
    message_id   varchar(998)  not null,
    in_reply_to  varchar(998),
    sender       varchar(998),
    recipients   text,
    to_header    text,
    cc_header    text,
    subject      varchar(998),
    body_text    text,
    -- stored as received, never rendered by this app; a client renders it only sanitised
    body_html    text,
    attachments  jsonb         not null default '[]',
    received_at  timestamptz   not null default now(),
    processed_at timestamptz,
    constraint helpdesk_message_pkey primary key (tenant_id, id),
    constraint helpdesk_message_message_id_key unique (tenant_id, message_id),
    -- deferred: the message is inserted first (ON CONFLICT DO NOTHING decides whether it is
    -- new), its ticket right after, in the same transaction
    constraint helpdesk_message_ticket_fkey foreign key (tenant_id, ticket_id)
        references travel.helpdesk_ticket (tenant_id, id) on delete cascade deferrable initially deferred
);

create index helpdesk_message_ticket_idx on travel.helpdesk_message (tenant_id, ticket_id, received_at);

-- What the relay queues again: messages whose processing never happened.
create index helpdesk_message_unprocessed_idx on travel.helpdesk_message (tenant_id, received_at)
    where processed_at is null;

create table travel.helpdesk_article (
    tenant_id   varchar(63)   not null check (tenant_id ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    id          uuid          not null,
    title       varchar(200)  not null check (length(title) > 0),
    body        text          not null check (length(body) <= 20000),
    -- the text search configuration of the tenant's locale when the article was written
    language    regconfig     not null,
    document    tsvector      generated always as
                    (setweight(to_tsvector(language, title), 'A') || setweight(to_tsvector(language, body), 'B')) stored,
    created_at  timestamptz   not null default now(),
    updated_at  timestamptz   not null default now(),
    constraint helpdesk_article_pkey primary key (tenant_id, id)
);

-- Used when no row-level security policy stands in front of the match (the owner, maintenance);
-- under the app role the planner filters the tenant's rows instead (docs in the README's helpdesk
-- section: the match operator is not LEAKPROOF).
create index helpdesk_article_document_idx on travel.helpdesk_article using gin (document);

create table travel.helpdesk_suggestion (
    tenant_id   varchar(63)  not null check (tenant_id ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    ticket_id   varchar(11)  not null,
    article_id  uuid         not null,
    rank        real         not null,
    constraint helpdesk_suggestion_pkey primary key (tenant_id, ticket_id, article_id),
    constraint helpdesk_suggestion_ticket_fkey foreign key (tenant_id, ticket_id)
        references travel.helpdesk_ticket (tenant_id, id) on delete cascade,
    constraint helpdesk_suggestion_article_fkey foreign key (tenant_id, article_id)
        references travel.helpdesk_article (tenant_id, id) on delete cascade
);

create index helpdesk_suggestion_article_idx on travel.helpdesk_suggestion (tenant_id, article_id);

-- Signatures of accepted webhook deliveries, kept as long as their timestamp is acceptable:
-- the same signature again is a replay.
create table travel.inbound_replay (
    tenant_id   varchar(63)  not null check (tenant_id ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    signature   char(64)     not null,
    expires_at  timestamptz  not null,
    constraint inbound_replay_pkey primary key (tenant_id, signature)
);

create index inbound_replay_expiry_idx on travel.inbound_replay (tenant_id, expires_at);

alter table travel.helpdesk_ticket enable row level security;
alter table travel.helpdesk_ticket force row level security;
create policy helpdesk_ticket_tenant_isolation on travel.helpdesk_ticket
    using (tenant_id = current_setting('app.tenant_id', true))
    with check (tenant_id = current_setting('app.tenant_id', true));

alter table travel.helpdesk_message enable row level security;
alter table travel.helpdesk_message force row level security;
create policy helpdesk_message_tenant_isolation on travel.helpdesk_message
    using (tenant_id = current_setting('app.tenant_id', true))
    with check (tenant_id = current_setting('app.tenant_id', true));

alter table travel.helpdesk_article enable row level security;
alter table travel.helpdesk_article force row level security;
create policy helpdesk_article_tenant_isolation on travel.helpdesk_article
    using (tenant_id = current_setting('app.tenant_id', true))
    with check (tenant_id = current_setting('app.tenant_id', true));

alter table travel.helpdesk_suggestion enable row level security;
alter table travel.helpdesk_suggestion force row level security;
create policy helpdesk_suggestion_tenant_isolation on travel.helpdesk_suggestion
    using (tenant_id = current_setting('app.tenant_id', true))
    with check (tenant_id = current_setting('app.tenant_id', true));

alter table travel.inbound_replay enable row level security;
alter table travel.inbound_replay force row level security;
create policy inbound_replay_tenant_isolation on travel.inbound_replay
    using (tenant_id = current_setting('app.tenant_id', true))
    with check (tenant_id = current_setting('app.tenant_id', true));
