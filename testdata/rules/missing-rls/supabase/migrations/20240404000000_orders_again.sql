-- The table exists (with RLS): PostgreSQL skips this statement, so it creates nothing open.
create table if not exists public.orders (id bigint primary key, total numeric);
