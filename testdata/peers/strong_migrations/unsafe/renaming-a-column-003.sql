-- peer: strong_migrations renaming a column
-- catch: rename-column
alter table public.users rename column nickname to handle;
