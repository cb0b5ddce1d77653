-- Between this migration and the next, the table is open to every API client.
-- expect: missing-rls
create table public.orders (id bigint primary key, total numeric);
