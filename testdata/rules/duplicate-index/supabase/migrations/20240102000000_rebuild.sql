-- OK: rebuilt under a new name, the old one dropped in the same file.
create index concurrently orders_note_idx on public.orders (note);
create index concurrently orders_note_idx_new on public.orders (note) with (fillfactor = 90);
drop index concurrently public.orders_note_idx;

-- OK: the earlier index was dropped before.
drop index public.orders_customer_store_idx;
create index orders_customer_store_idx2 on public.orders (customer_id, store_id);

-- OK: the column was dropped with its indexes and added again.
alter table public.orders drop column store_id;
alter table public.orders add column store_id bigint;
create index orders_store_idx on public.orders (store_id, customer_id);

-- A renamed column keeps its index.
alter table public.orders rename column note to remark;
-- expect: duplicate-index
create index orders_remark_idx on public.orders (remark);

-- OK: a new table under the old name after the old one was dropped.
create table public.carts (id bigint primary key, user_id bigint);
create index carts_user_idx on public.carts (user_id);
drop table public.carts;
create table public.carts (id bigint primary key, user_id bigint);
create index carts_user_idx on public.carts (user_id);

-- A unique constraint added later, then a plain index over it.
alter table public.carts add constraint carts_user_key unique (user_id);
-- expect: duplicate-index
create index carts_user_id_idx on public.carts (user_id);

-- OK: a materialized view made again gets its index again.
create materialized view public.order_totals as select customer_id, count(*) as n from public.orders group by customer_id;
create unique index order_totals_customer_idx on public.order_totals (customer_id);
drop materialized view public.order_totals;
create materialized view public.order_totals as select customer_id, count(*) as n from public.orders group by customer_id;
create unique index order_totals_customer_idx on public.order_totals (customer_id);
