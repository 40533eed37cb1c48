-- Local profile and tests only: create the app role when it is missing (elsewhere ops create it).
-- LOGIN, and explicitly neither superuser nor BYPASSRLS, so row-level security binds it. An
-- existing role is left as it is; the start-up RLS check refuses to run if it could bypass RLS.
do $$
begin
    if not exists (select from pg_catalog.pg_roles where rolname = '${app-role}') then
        execute format('create role %I login nosuperuser nocreatedb nocreaterole nobypassrls password %L',
                       '${app-role}', '${app-password}');
    end if;
end
$$;
