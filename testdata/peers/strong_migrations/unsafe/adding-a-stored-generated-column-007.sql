-- peer: strong_migrations adding a stored generated column
-- catch: add-column-rewrites-table
alter table public.users add column slug text generated always as (lower(name)) stored;
