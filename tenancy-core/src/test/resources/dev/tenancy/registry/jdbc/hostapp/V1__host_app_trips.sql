-- A host application's own migration, run by its own Flyway in the public schema.
create table trip (tenant_id text not null, id uuid not null, name text not null, primary key (tenant_id, id));
