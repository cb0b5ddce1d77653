-- no-transaction
-- OK: sqlx runs this file outside a transaction.
create index concurrently orders_total_idx on public.orders (total);
