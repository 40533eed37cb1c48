-- Run once by the postgres image on an empty data directory (docker-entrypoint-initdb.d), as the
-- superuser. The two roles the apps expect (application*.yml):
--
--   travel_owner  spring.flyway.user: owns the database and runs every migration (schemas travel
--                 and tenancy); the config server connects as it too (it reads and writes the
--                 registry and is not bound by row-level security).
--   travel_app    spring.datasource.username of the sample app: LOGIN, no superuser, no BYPASSRLS,
--                 owns nothing, so row-level security binds it; the owner's migrations grant it
--                 exactly what it needs (db/migration/afterMigrate.sql and the starter's grants).
--
-- Passwords come from the container's environment (compose.yaml), read with psql's \getenv.
\set ON_ERROR_STOP on
\getenv owner_password TRAVEL_OWNER_PASSWORD
\getenv app_password TRAVEL_APP_PASSWORD

create role travel_owner login nosuperuser nocreatedb nocreaterole nobypassrls password :'owner_password';
create role travel_app login nosuperuser nocreatedb nocreaterole nobypassrls password :'app_password';

create database travel owner travel_owner;
revoke all on database travel from public;
grant connect on database travel to travel_app;
