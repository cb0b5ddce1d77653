-- peer: strong_migrations adding an auto-incrementing column
-- catch: add-column-rewrites-table
alter table public.users add column num bigserial;
