-- peer: strong_migrations removing a column
-- catch: drop-column
alter table public.users drop column nickname;
