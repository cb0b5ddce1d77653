-- peer: strong_migrations renaming a table
-- catch: rename-table
alter table public.users rename to members;
