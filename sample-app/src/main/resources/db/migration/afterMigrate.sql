-- The app role's privileges on the app's own schema, re-applied (idempotently) by the owner after
-- every migration run, so they always match the role named by spring.datasource.username
-- (placeholder app-role). The tenant registry's schema is migrated, and the app role granted its
-- privileges there (read/insert/update tenants, read/append the audit), by the starter, as the same
-- owner role, right after these migrations.
--
-- Least privilege: no DDL anywhere, nothing on the Flyway history tables. Every new table of
-- schema travel gets its grant here.

grant usage on schema travel to ${app-role};
grant select, insert, update, delete on travel.trip to ${app-role};
grant select, insert, update, delete on travel.helpdesk_ticket, travel.helpdesk_message, travel.helpdesk_article,
    travel.helpdesk_suggestion, travel.inbound_replay to ${app-role};
