-- A host table that happens to be called "tenant", like the registry's: the schemas keep them apart.
create table tenant (id text primary key, note text);
