-- The next migration of the set enables RLS: the set ends with the table protected.
create table public.orders (id bigint primary key, total numeric);

-- Nothing later protects this one.
-- expect: missing-rls
create table public.order_notes (id bigint primary key, body text);

-- Enabled later, then disabled again: the set ends with it open.
-- expect: missing-rls
create table public.refunds (id bigint primary key);
