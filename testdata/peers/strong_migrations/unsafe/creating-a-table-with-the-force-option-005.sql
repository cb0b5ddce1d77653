-- peer: strong_migrations creating a table with the force option
-- catch: drop-table
drop table if exists public.sessions cascade;
create table public.sessions (id bigint primary key);
alter table public.sessions enable row level security;
