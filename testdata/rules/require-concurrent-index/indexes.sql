-- An existing table (created by an earlier migration): building an index blocks writes.
-- expect: require-concurrent-index
create index orders_customer_id_idx on public.orders (customer_id);

-- expect: require-concurrent-index
create unique index if not exists orders_number_key on orders (number);

-- OK: built concurrently.
create index concurrently orders_status_idx on public.orders (status);

-- OK: the table is created in this same file, nobody uses it yet.
create table public.invoices (id bigint primary key, order_id bigint);
create index invoices_order_id_idx on public.invoices (order_id);
