-- The app role's privileges, re-applied (idempotently) by the owner after every migration run, so
-- they always match the role named by spring.datasource.username (placeholder app-role) and the
-- registry schema named by tenancy.registry.jdbc.schema (placeholder registry-schema).
--
-- Least privilege: no DDL anywhere, nothing on the Flyway history tables, and the registry's audit
-- trail is read and append only. Every new table of schema travel gets its grant here.

grant usage on schema travel to ${app-role};
grant select, insert, update, delete on travel.trip to ${app-role};

grant usage on schema ${registry-schema} to ${app-role};
-- Tenants are never deleted (soft delete is an update), so no DELETE.
grant select, insert, update on ${registry-schema}.tenant to ${app-role};
grant select, insert on ${registry-schema}.tenant_audit to ${app-role};
grant usage on sequence ${registry-schema}.tenant_audit_id_seq to ${app-role};
