-- peer: strong_migrations adding a column with a volatile default value
-- catch: add-column-rewrites-table
alter table public.users add column uid uuid default gen_random_uuid();
